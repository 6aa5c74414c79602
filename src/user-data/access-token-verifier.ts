import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { OAuthError } from '../common/oauth/oauth.error';
import { parseScope } from '../common/oauth/scopes';
import { oauthConfig } from '../config/oauth.config';
import { AccessTokenClaims, AccessTokensService } from '../tokens/access-tokens.service';
import type { Principal } from './principal';
import { RevocationChecker } from './revocation-checker';

/** Verified tokens kept in memory at most; the oldest go first. */
const MAX_VERIFIED_TOKENS = 10_000;
/** How long a signature check is reused: no longer than an instance keeps its key set without reloading. */
const VERIFIED_TOKEN_REUSE_MS = 30_000;

function invalidToken(description: string): OAuthError {
  return new OAuthError('invalid_token', description, { challenge: 'Bearer' });
}

/**
 * A client-credentials token has `sub` = `client_id` (RFC 9068 §2.2). User ids are UUIDs and
 * client ids are 24 base64url characters, so a user's token can never match.
 */
export function toPrincipal(claims: AccessTokenClaims): Principal {
  return {
    userId: claims.sub === claims.client_id ? null : claims.sub,
    clientId: claims.client_id,
    scopes: parseScope(typeof claims.scope === 'string' ? claims.scope : '') ?? [],
    jti: claims.jti,
    expiresAt: new Date(claims.exp * 1000),
  };
}

/** Turns a bearer token into a principal: signature and claims (RFC 9068 §4), then revocation. */
@Injectable()
export class AccessTokenVerifier {
  private readonly revocation: RevocationChecker;
  /**
   * Principals of tokens whose signature and claims checked out, by the token's exact text: the
   * same bytes verify the same way, so a client reusing its token skips the ECDSA check (the
   * costliest step of a request). Expiry still applies to the millisecond; revocation is never cached.
   */
  private readonly verified = new Map<string, { principal: Principal; reuseUntil: number }>();

  constructor(
    private readonly accessTokens: AccessTokensService,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
  ) {
    this.revocation = new RevocationChecker((jtis) => this.accessTokens.findRevokedOrMissing(jtis));
  }

  /** The token's principal; throws invalid_token for anything but a live access token of this resource. */
  async verify(token: string): Promise<Principal> {
    const principal = await this.verifySignature(token);
    if (!principal) throw invalidToken('The access token is invalid or has expired');
    // RFC 7009 §2 and PRODUCT.md: revocation reaches the resource server at once.
    if (!(await this.revocation.isLive(principal.jti))) throw invalidToken('The access token has been revoked');
    return principal;
  }

  private async verifySignature(token: string): Promise<Principal | null> {
    const now = Date.now();
    const known = this.verified.get(token);
    if (known && now < known.reuseUntil) return known.principal;
    if (known) this.verified.delete(token);

    const claims = await this.accessTokens.verifySignature(token);
    if (!claims) return null;
    const principal = toPrincipal(claims);
    // The same bound as the signature check: expired once now >= exp + leeway (RFC 9068 §4).
    const expiresAt = (claims.exp + this.oauth.clockLeewaySeconds) * 1000;
    if (this.verified.size >= MAX_VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { principal, reuseUntil: Math.min(expiresAt, now + VERIFIED_TOKEN_REUSE_MS) });
    return principal;
  }
}
