import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { oauthConfig } from '../config/oauth.config';
import { AccessTokenEntity } from './access-token.entity';
import { KeysService, SIGNING_ALGORITHM } from './keys/keys.service';
import { GroupCommit } from '../database/group-commit';
import { toSqlDatetime } from '../database/sql-time';
import { TransactionsService } from '../database/transactions.service';

const INSERT_ACCESS_TOKENS =
  'INSERT INTO access_tokens (jti, grant_id, client_id, user_id, scope, expires_at, revoked_at, created_at) VALUES ';
const ACCESS_TOKEN_VALUES = '(?, ?, ?, ?, ?, ?, NULL, ?)';

type AccessTokenRow = [string, string | null, string, string | null, string, string, string];

/** RFC 9068 §2.1: the media type of a JWT access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** RFC 9068 §2.2 claims of our access tokens. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
}

export interface IssueAccessToken {
  clientId: string;
  /** The resource owner; null for client credentials (then `sub` is the client id). */
  userId: string | null;
  scope: string;
  /** The token family (grant); null for client credentials. */
  grantId: string | null;
}

export interface IssuedAccessToken {
  accessToken: string;
  jti: string;
  expiresIn: number;
  expiresAt: Date;
}

async function insertRows(manager: EntityManager, rows: AccessTokenRow[]): Promise<void> {
  await manager.query(INSERT_ACCESS_TOKENS + rows.map(() => ACCESS_TOKEN_VALUES).join(', '), rows.flat());
}

/** Verified tokens kept in memory at most; the oldest go first. */
const MAX_VERIFIED_TOKENS = 10_000;
/** How long a signature check is reused: no longer than an instance keeps its key set without reloading. */
const VERIFIED_TOKEN_REUSE_MS = 30_000;

/** Issues, verifies and revokes JWT access tokens; every token has a row so revocation is exact. */
@Injectable()
export class AccessTokensService {
  constructor(
    @InjectRepository(AccessTokenEntity) private readonly repository: Repository<AccessTokenEntity>,
    private readonly keys: KeysService,
    private readonly jwt: JwtService,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    private readonly transactions: TransactionsService,
  ) {
    this.records = new GroupCommit((rows) => this.transactions.write((writer) => insertRows(writer, rows)));
  }

  /**
   * Claims of tokens whose signature and claims checked out, by the token's exact text: the same
   * bytes verify the same way, so a token presented again skips the ECDSA check, the costliest step
   * of an API call or an introspection. Expiry still applies; revocation is never cached.
   */
  private readonly verified = new Map<string, { claims: AccessTokenClaims; reuseUntil: number }>();

  /** Records of tokens issued outside a grant's transaction (client credentials), written in groups. */
  private readonly records: GroupCommit<AccessTokenRow>;

  /**
   * Signs a token and records it before returning. Pass the transaction's manager to store it
   * atomically with a grant; without one, concurrent records share one statement (group commit).
   */
  async issue(input: IssueAccessToken, manager?: EntityManager): Promise<IssuedAccessToken> {
    const key = this.keys.getSigningKey();
    const now = Date.now();
    const iat = Math.floor(now / 1000);
    const expiresIn = this.oauth.accessTokenTtlSeconds;
    const jti = randomUUID();
    const claims: AccessTokenClaims = {
      iss: this.oauth.issuer,
      sub: input.userId ?? input.clientId,
      aud: this.oauth.resourceAudience,
      client_id: input.clientId,
      scope: input.scope,
      jti,
      iat,
      exp: iat + expiresIn,
    };
    const accessToken = this.jwt.sign(claims, {
      privateKey: key.privateKey,
      algorithm: SIGNING_ALGORITHM,
      header: { alg: SIGNING_ALGORITHM, typ: ACCESS_TOKEN_TYP, kid: key.kid },
    });
    const expiresAt = new Date(claims.exp * 1000);
    const row: AccessTokenRow = [
      jti,
      input.grantId,
      input.clientId,
      input.userId,
      input.scope,
      toSqlDatetime(expiresAt),
      toSqlDatetime(new Date(now)),
    ];
    // The token endpoint's hot path: a hand-written statement, without the query builder's cost.
    await (manager ? insertRows(manager, [row]) : this.records.add(row));
    return { accessToken, jti, expiresIn, expiresAt };
  }

  /**
   * Checks signature (ES256 only, key by `kid`), `typ`, `iss`, `aud` and lifetime (RFC 9068 §4).
   * Does not consult the database: callers check revocation with `findRevokedOrMissing`.
   */
  async verifySignature(token: string): Promise<AccessTokenClaims | null> {
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
        audience: this.oauth.resourceAudience,
        clockTolerance: this.oauth.clockLeewaySeconds,
      });
      if (typeof claims.jti !== 'string' || typeof claims.sub !== 'string' || typeof claims.client_id !== 'string') {
        return null;
      }
      return claims;
    } catch {
      return null;
    }
  }

  /** The jtis among `jtis` that are revoked or have no record (deleted client or user). */
  async findRevokedOrMissing(jtis: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(jtis)];
    if (unique.length === 0) return new Set();
    // Checked on every introspection and every API call: a prepared statement, not the query builder.
    const live: Array<{ jti: string }> = await this.repository.query(
      `SELECT jti FROM access_tokens WHERE revoked_at IS NULL AND jti IN (${unique.map(() => '?').join(', ')})`,
      unique,
    );
    const liveSet = new Set(live.map((row) => row.jti));
    return new Set(unique.filter((jti) => !liveSet.has(jti)));
  }

  /** Full verification: signature and claims, then the record is present and not revoked. */
  async verify(token: string): Promise<AccessTokenClaims | null> {
    const claims = await this.verifySignature(token);
    if (!claims) return null;
    const dead = await this.findRevokedOrMissing([claims.jti]);
    return dead.has(claims.jti) ? null : claims;
  }

  findRecord(jti: string): Promise<AccessTokenEntity | null> {
    return this.repository.findOneBy({ jti });
  }

  async revoke(jti: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.repository.manager).update(
      AccessTokenEntity,
      { jti, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
  }
}
