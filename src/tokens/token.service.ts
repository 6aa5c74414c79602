import { Injectable } from '@nestjs/common';
import { ClientAuthenticationService, ClientCredentials } from '../clients/client-authentication.service';
import { OAuthError } from '../common/oauth/oauth.error';
import { TokenRequestDto } from './dto/token-request.dto';
import { TokenResponseDto } from './dto/token-response.dto';
import { GrantRegistry } from './grants/grant.registry';
import { TokenRequest, TokenRequestParameter } from './grants/grant.interface';

const PARAMETER_NAMES: Record<TokenRequestParameter, string> = {
  code: 'code',
  redirectUri: 'redirect_uri',
  codeVerifier: 'code_verifier',
  refreshToken: 'refresh_token',
  scope: 'scope',
  username: 'username',
  password: 'password',
};

function toTokenRequest(dto: TokenRequestDto): TokenRequest {
  return {
    grantType: dto.grant_type,
    code: dto.code,
    redirectUri: dto.redirect_uri,
    codeVerifier: dto.code_verifier,
    refreshToken: dto.refresh_token,
    scope: dto.scope,
    username: dto.username,
    password: dto.password,
  };
}

/** The token endpoint (RFC 6749 §3.2): pick the grant, authenticate the client, let the grant answer. */
@Injectable()
export class TokenService {
  constructor(
    private readonly grants: GrantRegistry,
    private readonly clientAuthentication: ClientAuthenticationService,
  ) {}

  async exchange(dto: TokenRequestDto, credentials: ClientCredentials): Promise<TokenResponseDto> {
    const grant = this.grants.get(dto.grant_type);
    const request = toTokenRequest(dto);
    const missing = grant.requiredParameters.find((name) => request[name] === undefined || request[name] === '');
    if (missing) throw OAuthError.invalidRequest(`${PARAMETER_NAMES[missing]} is required`);

    const client = await this.clientAuthentication.authenticate(credentials, {
      isPublicClientAllowed: grant.isPublicClientAllowed,
    });
    // RFC 6749 §5.2: the client is not authorized to use this grant type.
    if (!client.grantTypes.includes(grant.grantType)) {
      throw new OAuthError('unauthorized_client', 'The client is not registered for this grant type');
    }
    return grant.handle(client, request);
  }
}
