import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ClientAuthenticationRequest, ClientAuthenticationService } from '../clients/client-authentication.service';
import { FailureBudget, Throttle, throttleKey } from '../common/throttling/throttle.service';
import { limitsConfig } from '../config/limits.config';
import { oauthConfig } from '../config/oauth.config';
import { ResourceCatalog } from '../resources/resource-catalog';
import { audiencesOf } from './access-token-claims';
import { AccessTokenStore } from './access-token-store.service';
import { AccessTokenVerifier } from './access-token-verifier.service';
import { IntrospectionRequestDto } from './dto/introspection-request.dto';
import { IntrospectionResponseDto } from './dto/introspection-response.dto';
import { RefreshTokensService } from './refresh-tokens.service';
import { looksLikeAccessToken } from './token-kind';

const INACTIVE: IntrospectionResponseDto = { active: false };

/** RFC 7662: tells an authenticated confidential client whether a token is active, and its claims. */
@Injectable()
export class IntrospectionService {
  constructor(
    private readonly clientAuthentication: ClientAuthenticationService,
    private readonly verifier: AccessTokenVerifier,
    private readonly accessTokens: AccessTokenStore,
    private readonly refreshTokens: RefreshTokensService,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    private readonly throttle: Throttle,
    @Inject(limitsConfig.KEY) private readonly limits: ConfigType<typeof limitsConfig>,
    private readonly catalog: ResourceCatalog,
  ) {}

  async introspect(
    dto: IntrospectionRequestDto,
    credentials: ClientAuthenticationRequest,
  ): Promise<IntrospectionResponseDto> {
    // RFC 7662 §2.1: the endpoint MUST require authorization; here, a confidential client.
    const client = await this.clientAuthentication.authenticate(credentials, { isPublicClientAllowed: false });
    // RFC 7662 §4: a client that keeps asking about tokens that do not exist is scanning for them.
    const misses: FailureBudget = {
      key: throttleKey('introspect-miss', 'client', client.clientId),
      limit: this.limits.introspectionMissesPerMinute,
      windowSeconds: 60,
    };
    this.throttle.throwIfBlocked([misses], 'Too many introspections of inactive tokens');
    // RFC 7662 §2.1: token_type_hint is only a hint; the token's shape tells the kinds apart.
    const response = looksLikeAccessToken(dto.token)
      ? await this.introspectAccessToken(dto.token, client.clientId)
      : await this.introspectRefreshToken(dto.token, client.clientId);
    if (!response.active) void this.throttle.recordFailure([misses]);
    return response;
  }

  private async introspectAccessToken(token: string, callerId: string): Promise<IntrospectionResponseDto> {
    const claims = await this.verifier.verify(token);
    // The server's own clock decides: no leeway past `exp` here (RFC 7662 §2.2).
    if (!claims || claims.exp * 1000 <= Date.now()) return INACTIVE;
    // RFC 7662 §4: need to know. The token's own client, or an introspector of a resource it is for.
    if (!this.mayIntrospect(callerId, claims.client_id, claims.aud)) return INACTIVE;
    // RFC 7662 §2.2: a revoked token is not active.
    if (!(await this.accessTokens.isLive(claims.jti))) return INACTIVE;
    return {
      active: true,
      scope: claims.scope,
      client_id: claims.client_id,
      sub: claims.sub,
      token_type: 'Bearer',
      exp: claims.exp,
      iat: claims.iat,
      iss: claims.iss,
      aud: claims.aud,
      jti: claims.jti,
      ...(claims.act ? { act: claims.act } : {}),
    };
  }

  private mayIntrospect(callerId: string, tokenClientId: string, aud: string | string[]): boolean {
    if (callerId === tokenClientId) return true;
    return audiencesOf(aud).some(
      (identifier) => this.catalog.get(identifier)?.introspectors.includes(callerId) === true,
    );
  }

  /** Refresh tokens are only ever presented by their own client, so only it may introspect them. */
  private async introspectRefreshToken(token: string, callerId: string): Promise<IntrospectionResponseDto> {
    const record = await this.refreshTokens.findActive(token);
    if (!record || record.clientId !== callerId) return INACTIVE;
    return {
      active: true,
      scope: record.scope,
      client_id: record.clientId,
      sub: record.userId ?? record.clientId,
      token_type: 'refresh_token',
      exp: Math.floor(record.expiresAt.getTime() / 1000),
      iat: Math.floor(record.createdAt.getTime() / 1000),
      iss: this.oauth.issuer,
      // RFC 7662 §2.2: aud is optional; a refresh token is for the authorization server itself.
      aud: this.oauth.issuer,
      jti: record.id,
    };
  }
}
