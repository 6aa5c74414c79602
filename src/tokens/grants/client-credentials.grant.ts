import { Injectable } from '@nestjs/common';
import type { ClientEntity } from '../../clients/client.entity';
import { OAuthError } from '../../common/oauth/oauth.error';
import { OptionalParameter } from '../../common/oauth/parameter.decorators';
import { TokenResponseDto } from '../dto/token-response.dto';
import { TokenIssuer } from '../token-issuer.service';
import { Grant } from './grant.interface';
import { resolveRequestedScope } from './requested-scope';

/** RFC 6749 §4.4.2. */
export class ClientCredentialsParametersDto {
  @OptionalParameter(1000)
  scope?: string;
}

/** RFC 6749 §4.4: the client acts on its own behalf; `sub` is the client id. */
@Injectable()
export class ClientCredentialsGrant implements Grant<ClientCredentialsParametersDto> {
  readonly grantType = 'client_credentials';
  readonly parameters = ClientCredentialsParametersDto;
  // RFC 6749 §4.4: the client credentials grant type MUST only be used by confidential clients.
  readonly isPublicClientAllowed = false;
  readonly usesRedirectUri = false;
  readonly isEnabled = true;

  constructor(private readonly issuer: TokenIssuer) {}

  async handle(client: ClientEntity, parameters: ClientCredentialsParametersDto): Promise<TokenResponseDto> {
    if (client.isPublic) throw new OAuthError('unauthorized_client', 'A public client cannot use client_credentials');
    const scope = resolveRequestedScope(parameters.scope, client.scope);
    // RFC 6749 §4.4.3: a refresh token SHOULD NOT be included.
    return this.issuer.issueClientAccessToken(client.clientId, scope);
  }
}
