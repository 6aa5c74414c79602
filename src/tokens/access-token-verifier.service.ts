import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { oauthConfig } from '../config/oauth.config';
import { ACCESS_TOKEN_TYP, AccessTokenClaims } from './access-token-claims';
import { KeysService, SIGNING_ALGORITHM } from './keys/keys.service';

/** A non-empty string, or a non-empty array of them (RFC 7519 §4.1.3). */
function isAudience(aud: unknown): boolean {
  if (typeof aud === 'string') return aud !== '';
  return Array.isArray(aud) && aud.length > 0 && aud.every((entry) => typeof entry === 'string' && entry !== '');
}

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
    let decoded: { header: { typ?: string; kid?: string; alg?: string } } | null;
    try {
      decoded = this.jwt.decode(token, { complete: true }) as typeof decoded;
    } catch {
      return null;
    }
    const header = decoded?.header;
    // RFC 9068 §4: the typ header must be at+jwt (case-insensitive media type, RFC 8725 §3.11).
    if (!header || header.alg !== SIGNING_ALGORITHM || header.typ?.toLowerCase() !== ACCESS_TOKEN_TYP || !header.kid) {
      return null;
    }
    const key = await this.keys.findVerificationKey(header.kid);
    if (!key) return null;
    try {
      const claims = this.jwt.verify<AccessTokenClaims>(token, {
        // jsonwebtoken accepts a KeyObject (and skips re-parsing a PEM per call); the typings lag behind.
        publicKey: key.publicKey as unknown as Buffer,
        algorithms: [SIGNING_ALGORITHM],
        issuer: this.oauth.issuer,
        clockTolerance: this.oauth.clockLeewaySeconds,
      });
      // RFC 9068 §2.2: exp, iat, jti, sub, aud and client_id are REQUIRED (jsonwebtoken accepts a token
      // without exp). Which audience a token must name is the resource server's check (RFC 9068 §4).
      const isComplete =
        isAudience(claims.aud) &&
        typeof claims.exp === 'number' &&
        typeof claims.iat === 'number' &&
        typeof claims.jti === 'string' &&
        typeof claims.sub === 'string' &&
        typeof claims.client_id === 'string';
      if (!isComplete) return null;
      return claims;
    } catch {
      return null;
    }
  }
}
