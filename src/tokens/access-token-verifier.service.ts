import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { oauthConfig } from '../config/oauth.config';
import { ACCESS_TOKEN_TYP, AccessTokenClaims, isAudience } from './access-token-claims';
import { KeysService } from './keys/keys.service';
import { verifyOwnJwt } from './keys/own-jwt';

/** Verified tokens kept in memory at most; the oldest go first. */
const MAX_VERIFIED_TOKENS = 10_000;
/** How long a signature check is reused: no longer than an instance keeps its key set without reloading. */
const VERIFIED_TOKEN_REUSE_MS = 30_000;

/**
 * Checks an access token's signature and claims (RFC 9068 §4); never consults the database, so
 * callers check revocation with AccessTokenStore. It lives in TokensModule, beside the keys it
 * verifies with, because introspection and revocation need it there; the resource server imports
 * TokensModule for it, so the dependency runs one way only (resource server → tokens).
 */
@Injectable()
export class AccessTokenVerifier {
  /**
   * Claims of tokens whose signature and claims checked out, by the token's exact text: the same
   * bytes verify the same way, so a token presented again skips the ECDSA check, the costliest step
   * of an API call or an introspection. Expiry still applies; revocation is never cached.
   */
  private readonly verified = new Map<string, { claims: AccessTokenClaims; reuseUntil: number }>();

  constructor(
    private readonly keys: KeysService,
    private readonly jwt: JwtService,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
  ) {}

  /** The token's claims when signature (ES256 only, key by `kid`), `typ`, `iss`, claims and lifetime check out. */
  async verify(token: string): Promise<AccessTokenClaims | null> {
    const now = Date.now();
    const known = this.verified.get(token);
    if (known && now < known.reuseUntil) return known.claims;
    if (known) this.verified.delete(token);
    const claims = await this.checkSignature(token);
    if (!claims) return null;
    // The same bound as the check itself: expired once now >= exp + leeway (RFC 9068 §4).
    const expiresAt = (claims.exp + this.oauth.clockLeewaySeconds) * 1000;
    if (this.verified.size >= MAX_VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { claims, reuseUntil: Math.min(expiresAt, now + VERIFIED_TOKEN_REUSE_MS) });
    return claims;
  }

  private async checkSignature(token: string): Promise<AccessTokenClaims | null> {
    // RFC 9068 §4: the typ header must be at+jwt.
    const claims = await verifyOwnJwt<AccessTokenClaims>(token, {
      keys: this.keys,
      jwt: this.jwt,
      typ: ACCESS_TOKEN_TYP,
      issuer: this.oauth.issuer,
      clockToleranceSeconds: this.oauth.clockLeewaySeconds,
    });
    // RFC 9068 §2.2: exp, iat, jti, sub, aud and client_id are REQUIRED (jsonwebtoken accepts a token
    // without exp). Which audience a token must name is the resource server's check (RFC 9068 §4).
    const isComplete =
      claims !== null &&
      isAudience(claims.aud) &&
      typeof claims.exp === 'number' &&
      typeof claims.iat === 'number' &&
      typeof claims.jti === 'string' &&
      typeof claims.sub === 'string' &&
      typeof claims.client_id === 'string';
    return isComplete ? claims : null;
  }
}
