import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { oauthConfig } from '../config/oauth.config';
import { KeysService, SIGNING_ALGORITHM } from './keys/keys.service';
import { verifyOwnJwt } from './keys/own-jwt';
import { audiencesOf, isAudience } from './access-token-claims';

/** OpenID Connect Core §2 with RFC 7519 §5.1: ID tokens are typed plainly `JWT` (access tokens: at+jwt). */
export const ID_TOKEN_TYP = 'JWT';

/** The scope value that makes an authorization request an OpenID Connect one (Core §3.1.2.1). */
export const OPENID_SCOPE = 'openid';

/** The end-user authentication behind a grant: what ID tokens tell about it (Core §2). */
export interface EndUserAuthentication {
  /** When the user signed in (`auth_time`): the session's real sign-in time. */
  authTime: Date;
  /** The sign-in session's id (`sid`, Front-Channel Logout §3); null when unknown. */
  sid: string | null;
  /** The authentication request's `nonce`, only on the first ID token of a code (Core §12.2: none on refresh). */
  nonce?: string | null;
}

export interface IdTokenInput {
  clientId: string;
  userId: string;
  authentication: EndUserAuthentication;
  /** The access token issued alongside, for `at_hash` (Core §3.1.3.6). */
  accessToken: string;
}

/** Claims of an ID token (Core §2). Scope claims (profile, email) go to userinfo: an access token is issued (§5.4). */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  azp: string;
  exp: number;
  iat: number;
  auth_time: number;
  nonce?: string;
  at_hash: string;
  sid?: string;
}

/** The verified claims of an `id_token_hint` (RP-Initiated Logout §2); expiry is not checked. */
export interface IdTokenHint {
  sub: string;
  /** The audiences (client ids) the hint was issued to. */
  audiences: string[];
  sid?: string;
}

/**
 * Core §3.1.3.6: `at_hash` is the base64url of the left half of the hash of the access token's ASCII
 * octets, the hash being the one of the ID token's `alg` (SHA-256 for ES256).
 */
export function accessTokenHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** Signs ID tokens with the access-token signing keys (one JWKS) and checks this server's own ID tokens. */
@Injectable()
export class IdTokenService {
  constructor(
    private readonly keys: KeysService,
    private readonly jwt: JwtService,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
  ) {}

  /** OpenID Connect Core §2, §3.1.3.6: an ID token for the client, lasting as long as an access token. */
  issue(input: IdTokenInput): string {
    const key = this.keys.getSigningKey();
    const iat = Math.floor(Date.now() / 1000);
    const { authentication } = input;
    const claims: IdTokenClaims = {
      iss: this.oauth.issuer,
      sub: input.userId,
      // Core §2: aud holds the client id; azp names the party it was issued to.
      aud: input.clientId,
      azp: input.clientId,
      exp: iat + this.oauth.accessTokenTtlSeconds,
      iat,
      auth_time: Math.floor(authentication.authTime.getTime() / 1000),
      at_hash: accessTokenHash(input.accessToken),
      ...(authentication.nonce ? { nonce: authentication.nonce } : {}),
      ...(authentication.sid ? { sid: authentication.sid } : {}),
    };
    return this.jwt.sign(claims, {
      privateKey: key.privateKey,
      algorithm: SIGNING_ALGORITHM,
      header: { alg: SIGNING_ALGORITHM, typ: ID_TOKEN_TYP, kid: key.kid },
    });
  }

  /**
   * RP-Initiated Logout §2: an `id_token_hint` must be an ID token this server issued (signature and
   * `iss`), but may have expired. Null when it is not; an access token (typ at+jwt) is not a hint.
   */
  async verifyHint(token: string): Promise<IdTokenHint | null> {
    const claims = await verifyOwnJwt<Partial<IdTokenClaims> & { aud?: string | string[] }>(token, {
      keys: this.keys,
      jwt: this.jwt,
      typ: ID_TOKEN_TYP,
      issuer: this.oauth.issuer,
      clockToleranceSeconds: this.oauth.clockLeewaySeconds,
      ignoreExpiration: true,
    });
    if (!claims || !isAudience(claims.aud) || typeof claims.sub !== 'string' || typeof claims.at_hash !== 'string') {
      return null;
    }
    const audiences = [...audiencesOf(claims.aud)];
    return { sub: claims.sub, audiences, ...(typeof claims.sid === 'string' ? { sid: claims.sid } : {}) };
  }
}
