import { Injectable } from '@nestjs/common';
import { readParameter } from '../../common/oauth/parameters';
import { MAX_PRESENTED_CLIENT_ID_LENGTH, type ClientEntity } from '../client.entity';
import type { ClientAuthenticationRequest, ClientAuthMethod, PresentedClient } from './client-auth-method';

/** A public client (RFC 6749 §2.1) names itself with `client_id` and proves nothing else. */
@Injectable()
export class NoClientAuthentication implements ClientAuthMethod {
  readonly name = 'none';
  readonly parameters = ['client_id'];
  readonly isCredential = false;
  readonly usesClientSecret = false;

  read({ parameters }: ClientAuthenticationRequest): PresentedClient | undefined {
    const clientId = readParameter(parameters, 'client_id', MAX_PRESENTED_CLIENT_ID_LENGTH);
    return clientId === undefined ? undefined : { clientId };
  }

  async verify(client: ClientEntity): Promise<boolean> {
    return client.isPublic;
  }
}
