import { Injectable } from '@nestjs/common';
import { OAuthError } from '../common/oauth/oauth.error';
import { parseScope } from '../common/oauth/scopes';
import { AccessTokenClaims, audiencesOf } from '../tokens/access-token-claims';
import { AccessTokenStore } from '../tokens/access-token-store.service';
import { AccessTokenVerifier } from '../tokens/access-token-verifier.service';
import type { Principal } from './principal';

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
    audiences: audiencesOf(claims.aud),
    jti: claims.jti,
    expiresAt: new Date(claims.exp * 1000),
    ...(claims.act ? { act: claims.act } : {}),
  };
}

/** Turns a bearer token into a principal: signature and claims (RFC 9068 §4), then revocation. */
@Injectable()
export class PrincipalVerifier {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly accessTokens: AccessTokenStore,
  ) {}

  /** The token's principal; throws invalid_token for anything but a live access token of this resource. */
  async verify(token: string): Promise<Principal> {
    const principal = await this.verifySignature(token);
    if (!principal) throw invalidToken('The access token is invalid or has expired');
    // RFC 7009 §2 and PRODUCT.md: revocation reaches the resource server at once.
    if (!(await this.accessTokens.isLive(principal.jti))) throw invalidToken('The access token has been revoked');
    return principal;
  }

  private async verifySignature(token: string): Promise<Principal | null> {
    // AccessTokenVerifier reuses a verified signature for the same token text (expiry still applies).
    const claims = await this.verifier.verify(token);
    return claims ? toPrincipal(claims) : null;
  }
}
