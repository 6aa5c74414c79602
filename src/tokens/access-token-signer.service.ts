import { timeOrderedId } from '../common/crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EntityManager } from 'typeorm';
import { oauthConfig } from '../config/oauth.config';
import { ACCESS_TOKEN_TYP, AccessTokenClaims, ActorClaim } from './access-token-claims';
import { AccessTokenStore } from './access-token-store.service';
import { signEs256Jwt } from './keys/es256-signer';
import { KeysService, SIGNING_ALGORITHM } from './keys/keys.service';

export interface IssueAccessToken {
  clientId: string;
  /** The resource owner; null for client credentials (then `sub` is the client id). */
  userId: string | null;
  scope: string;
  /** The token family (grant); null for client credentials. */
  grantId: string | null;
  /** RFC 8707: the resources the token is for; the default resource (RESOURCE_AUDIENCE) when omitted. */
  audience?: readonly string[];
  /** RFC 8693 §4.1: the actor, for a token issued by token exchange. */
  act?: ActorClaim;
  /** The latest the token may expire (a token exchange's subject token's expiry); the usual lifetime otherwise. */
  notAfter?: Date;
}

export interface IssuedAccessToken {
  accessToken: string;
  jti: string;
  expiresIn: number;
  expiresAt: Date;
}

/** RFC 9068 §2.2 and RFC 7519 §4.1.3: one resource is a string, several an array. */
export function audienceClaim(resources: readonly string[]): string | string[] {
  return resources.length === 1 ? resources[0] : [...resources];
}

/** Builds and signs JWT access tokens (RFC 9068) and has each one recorded before handing it out. */
@Injectable()
export class AccessTokenSigner {
  constructor(
    private readonly keys: KeysService,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    private readonly store: AccessTokenStore,
  ) {}

  /**
   * Signs a token and records it before returning. Pass the transaction's manager to store it
   * atomically with a grant; without one, concurrent records share one statement (group commit).
   */
  async issue(input: IssueAccessToken, manager?: EntityManager): Promise<IssuedAccessToken> {
    const key = this.keys.getSigningKey();
    const now = Date.now();
    const iat = Math.floor(now / 1000);
    const ttl = this.oauth.accessTokenTtlSeconds;
    const expiresIn = input.notAfter ? Math.min(ttl, Math.floor(input.notAfter.getTime() / 1000) - iat) : ttl;
    const jti = timeOrderedId();
    // RFC 9068 §2.2: client-credentials tokens name the client as their subject.
    const claims: AccessTokenClaims = {
      iss: this.oauth.issuer,
      sub: input.userId ?? input.clientId,
      aud: audienceClaim(input.audience ?? [this.oauth.resourceAudience]),
      client_id: input.clientId,
      scope: input.scope,
      jti,
      iat,
      exp: iat + expiresIn,
      ...(input.act ? { act: input.act } : {}),
    };
    const accessToken = signEs256Jwt(
      { alg: SIGNING_ALGORITHM, typ: ACCESS_TOKEN_TYP, kid: key.kid },
      claims,
      key.privateKey,
    );
    const expiresAt = new Date(claims.exp * 1000);
    await this.store.insert(
      {
        jti,
        grantId: input.grantId,
        clientId: input.clientId,
        userId: input.userId,
        scope: input.scope,
        expiresAt,
        createdAt: new Date(now),
      },
      manager,
    );
    return { accessToken, jti, expiresIn, expiresAt };
  }
}
