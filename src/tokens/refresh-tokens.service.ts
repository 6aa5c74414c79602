import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, MoreThan, Repository } from 'typeorm';
import { randomToken, sha256Hex, timeOrderedId } from '../common/crypto';
import { oauthConfig } from '../config/oauth.config';
import { consumeOnce, Consumption } from '../database/single-use';
import { RefreshTokenEntity } from './refresh-token.entity';
import { toSqlDatetime } from '../database/sql-time';

const INSERT_REFRESH_TOKEN =
  'INSERT INTO refresh_tokens (id, token_hash, grant_id, client_id, user_id, scope, resources, auth_time, sid, expires_at, used_at, revoked_at, created_at) ' +
  'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)';

export interface NewRefreshToken {
  grantId: string;
  clientId: string;
  userId: string | null;
  scope: string;
  /** RFC 8707: the grant's resources, kept through rotation. */
  resources: readonly string[];
  /** Rotation keeps the family's absolute expiry; a new family gets the full lifetime. */
  expiresAt?: Date;
  /** OpenID Connect: the original sign-in's time and session, for the ID tokens of refreshes (Core §12.2). */
  authTime?: Date | null;
  sid?: string | null;
}

/** Refresh tokens: 256 random bits, stored as a SHA-256 hash, single use (rotated on every refresh). */
@Injectable()
export class RefreshTokensService {
  constructor(
    @InjectRepository(RefreshTokenEntity) private readonly repository: Repository<RefreshTokenEntity>,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
  ) {}

  /** Stores a new refresh token in the caller's transaction and returns it (only its hash is kept). */
  async create(manager: EntityManager, input: NewRefreshToken, now = new Date()): Promise<string> {
    const token = randomToken(32);
    const expiresAt = input.expiresAt ?? new Date(now.getTime() + this.oauth.refreshTokenTtlSeconds * 1000);
    await manager.query(INSERT_REFRESH_TOKEN, [
      timeOrderedId(),
      sha256Hex(token),
      input.grantId,
      input.clientId,
      input.userId,
      input.scope,
      JSON.stringify(input.resources),
      input.authTime ? toSqlDatetime(input.authTime) : null,
      input.sid ?? null,
      toSqlDatetime(expiresAt),
      toSqlDatetime(now),
    ]);
    return token;
  }

  /**
   * Marks the token used if it is this client's, unused, unrevoked and unexpired (RFC 9700
   * §4.14.2: every refresh token is single use), in the caller's transaction.
   */
  redeem(
    manager: EntityManager,
    token: string,
    clientId: string,
    now = new Date(),
  ): Promise<Consumption<RefreshTokenEntity>> {
    return consumeOnce(
      manager,
      {
        entity: RefreshTokenEntity,
        where: { tokenHash: sha256Hex(token) },
        usedColumn: 'usedAt',
        usable: { clientId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
        isOwnedBy: (record) => record.clientId === clientId,
      },
      now,
    );
  }

  /** The token's record while it can still be used: unused, unrevoked, unexpired. */
  async findActive(token: string, now = new Date()): Promise<RefreshTokenEntity | null> {
    const record = await this.findByToken(token);
    if (!record || record.usedAt !== null || record.revokedAt !== null || record.expiresAt <= now) return null;
    return record;
  }

  findByToken(token: string): Promise<RefreshTokenEntity | null> {
    return this.repository.findOneBy({ tokenHash: sha256Hex(token) });
  }
}
