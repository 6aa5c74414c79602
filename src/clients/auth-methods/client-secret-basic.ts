import { Injectable } from '@nestjs/common';
import { OAuthError } from '../../common/oauth/oauth.error';
import { readParameter } from '../../common/oauth/parameters';
import { MAX_PRESENTED_CLIENT_ID_LENGTH, type ClientEntity } from '../client.entity';
import type { ClientAuthenticationRequest, ClientAuthMethod, PresentedClient } from './client-auth-method';
import { isClientSecret } from './client-secret';

/** RFC 7617 §2: `Basic` (any case), one space, then token68 base64. */
const BASIC_HEADER = /^basic ([A-Za-z0-9+/]+={0,2})$/i;

/** RFC 6749 §2.3.1: id and secret are form-url-encoded before Basic encoding; '+' is a space. */
function formUrlDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw OAuthError.invalidRequest('Malformed client credentials in the Authorization header');
  }
}

/** RFC 6749 §2.3.1: client id and secret in the HTTP Basic `Authorization` header. */
@Injectable()
export class ClientSecretBasic implements ClientAuthMethod {
  readonly name = 'client_secret_basic';
  readonly parameters = ['client_id'];
  readonly isCredential = true;
  readonly usesClientSecret = true;

  read({ authorization, parameters }: ClientAuthenticationRequest): PresentedClient | undefined {
    if (authorization === undefined) return undefined;
    const match = BASIC_HEADER.exec(authorization);
    // RFC 4648 §4: base64 comes in whole 4-character groups.
    if (!match || match[1].length % 4 !== 0) {
      throw OAuthError.invalidRequest('The Authorization header must use the Basic scheme with client credentials');
    }
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw OAuthError.invalidRequest('Malformed client credentials in the Authorization header');
    const clientId = formUrlDecode(decoded.slice(0, colon));
    // A client_id beside the header must name the same client (RFC 6749 §2.3: one identity per request).
    const bodyClientId = readParameter(parameters, 'client_id', MAX_PRESENTED_CLIENT_ID_LENGTH);
    if (bodyClientId !== undefined && bodyClientId !== clientId) {
      throw OAuthError.invalidRequest('client_id does not match the Authorization header');
    }
    return { clientId, credential: formUrlDecode(decoded.slice(colon + 1)) };
  }

  async verify(client: ClientEntity, presented: PresentedClient): Promise<boolean> {
    return isClientSecret(client, presented.credential);
  }
}
