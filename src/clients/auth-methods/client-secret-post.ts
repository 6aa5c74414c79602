import { Injectable } from '@nestjs/common';
import { readParameter } from '../../common/oauth/parameters';
import { MAX_PRESENTED_CLIENT_ID_LENGTH, type ClientEntity } from '../client.entity';
import type { ClientAuthenticationRequest, ClientAuthMethod, PresentedClient } from './client-auth-method';
import { isClientSecret, MAX_CLIENT_SECRET_LENGTH } from './client-secret';

/** RFC 6749 §2.3.1: `client_id` and `client_secret` in the form body. */
@Injectable()
export class ClientSecretPost implements ClientAuthMethod {
  readonly name = 'client_secret_post';
  readonly parameters = ['client_id', 'client_secret'];
  readonly isCredential = true;
  readonly usesClientSecret = true;

  read({ parameters }: ClientAuthenticationRequest): PresentedClient | undefined {
    const secret = readParameter(parameters, 'client_secret', MAX_CLIENT_SECRET_LENGTH);
    if (secret === undefined) return undefined;
    return {
      clientId: readParameter(parameters, 'client_id', MAX_PRESENTED_CLIENT_ID_LENGTH) ?? '',
      credential: secret,
    };
  }

  async verify(client: ClientEntity, presented: PresentedClient): Promise<boolean> {
    return isClientSecret(client, presented.credential);
  }
}
