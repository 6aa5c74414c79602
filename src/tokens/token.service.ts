import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ClientAuthenticationService, ClientCredentials } from '../clients/client-authentication.service';
import { OAuthError } from '../common/oauth/oauth.error';
import { RequestRateLimiter } from '../common/throttling/request-rate-limiter.service';
import { limitsConfig } from '../config/limits.config';
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
    private readonly rateLimiter: RequestRateLimiter,
    @Inject(limitsConfig.KEY) private readonly limits: ConfigType<typeof limitsConfig>,
  ) {}

  async exchange(dto: TokenRequestDto, credentials: ClientCredentials): Promise<TokenResponseDto> {
    const grant = this.grants.get(dto.grant_type);
    const request = toTokenRequest(dto);
    const missing = grant.requiredParameters.find((name) => request[name] === undefined || request[name] === '');
    if (missing) throw OAuthError.invalidRequest(`${PARAMETER_NAMES[missing]} is required`);

    const client = await this.clientAuthentication.authenticate(credentials, {
      isPublicClientAllowed: grant.isPublicClientAllowed,
    });
    this.throwIfOverRate(client.clientId);
    // RFC 6749 §5.2: the client is not authorized to use this grant type.
    if (!client.grantTypes.includes(grant.grantType)) {
      throw new OAuthError('unauthorized_client', 'The client is not registered for this grant type');
    }
    return grant.handle(client, request);
  }

  /** RFC 6819 §5.1.5.12 (limit token requests): a per-client budget, shared by every instance. */
  private throwIfOverRate(clientId: string): void {
    if (!this.limits.isEnabled) return;
    const decision = this.rateLimiter.hit(`token:client:${clientId}`, this.limits.tokenRequestsPerMinute, 60);
    if (decision.isBlocked) {
      throw new OAuthError('temporarily_unavailable', 'Too many token requests for this client', {
        status: 429,
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }
  }
}
