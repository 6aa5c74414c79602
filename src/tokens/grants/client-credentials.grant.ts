import { Injectable } from '@nestjs/common';
import type { ClientEntity } from '../../clients/client.entity';
import { OAuthError } from '../../common/oauth/oauth.error';
import { OptionalParameter, RepeatableParameter } from '../../common/oauth/parameter.decorators';
import { MAX_RESOURCE_IDENTIFIER_LENGTH } from '../../resources/resource-identifier';
import { MAX_RESOURCES_PER_REQUEST } from '../../resources/resource-indicators';
import { TokenResponseDto } from '../dto/token-response.dto';
import { TokenIssuer } from '../token-issuer.service';
import { Grant } from './grant.interface';
import { RequestedResources } from './requested-resources';

/** RFC 6749 §4.4.2. */
export class ClientCredentialsParametersDto {
  @OptionalParameter(1000)
  scope?: string;

  /** RFC 8707 §2. */
  @RepeatableParameter(MAX_RESOURCES_PER_REQUEST, MAX_RESOURCE_IDENTIFIER_LENGTH)
  resource?: string[];
}

/** RFC 6749 §4.4: the client acts on its own behalf; `sub` is the client id. */
@Injectable()
export class ClientCredentialsGrant implements Grant<ClientCredentialsParametersDto> {
  readonly grantType = 'client_credentials';
  readonly parameters = ClientCredentialsParametersDto;
  // RFC 6749 §4.4: the client credentials grant type MUST only be used by confidential clients.
  readonly isPublicClientAllowed = false;
  readonly usesRedirectUri = false;
  readonly isSelfRegistrable = true;
  readonly isEnabled = true;

  constructor(
    private readonly issuer: TokenIssuer,
    private readonly resources: RequestedResources,
  ) {}

  async handle(client: ClientEntity, parameters: ClientCredentialsParametersDto): Promise<TokenResponseDto> {
    if (client.isPublic) throw new OAuthError('unauthorized_client', 'A public client cannot use client_credentials');
    // RFC 8707 §2: omitted, the default resource.
    const resources = await this.resources.resolveForClient(client, parameters.resource);
    const scope = this.resources.scopeFor(resources, client.scope, parameters.scope);
    // RFC 6749 §4.4.3: a refresh token SHOULD NOT be included.
    return this.issuer.issueClientAccessToken(client.clientId, scope, resources);
  }
}
