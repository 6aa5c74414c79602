import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, MoreThan, Repository } from 'typeorm';
import { randomToken, sha256Hex } from '../common/crypto';
import { oauthConfig } from '../config/oauth.config';
import { Redemption } from './redemption';
import { RefreshTokenEntity } from './refresh-token.entity';
import { toSqlDatetime } from './sql-datetime';

const INSERT_REFRESH_TOKEN =
  'INSERT INTO refresh_tokens (id, token_hash, grant_id, client_id, user_id, scope, expires_at, used_at, revoked_at, created_at) ' +
  'VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)';

export interface NewRefreshToken {
  grantId: string;
  clientId: string;
  userId: string | null;
  scope: string;
  /** Rotation keeps the family's absolute expiry; a new family gets the full lifetime. */
  expiresAt?: Date;
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
      randomUUID(),
      sha256Hex(token),
      input.grantId,
      input.clientId,
      input.userId,
      input.scope,
      toSqlDatetime(expiresAt),
      toSqlDatetime(now),
    ]);
    return token;
  }

  /**
   * Marks the token used if it is this client's, unused, unrevoked and unexpired. RFC 9700 §4.14.2:
   * single use is decided by one conditional UPDATE (affected rows), so racing requests, in this
   * process or another, see at most one success.
   */
  async redeem(
    manager: EntityManager,
    token: string,
    clientId: string,
    now = new Date(),
  ): Promise<Redemption<RefreshTokenEntity>> {
    const tokenHash = sha256Hex(token);
    const result = await manager.update(
      RefreshTokenEntity,
      { tokenHash, clientId, usedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(now) },
      { usedAt: now },
    );
    const record = await manager.findOneBy(RefreshTokenEntity, { tokenHash });
    if (!record || record.clientId !== clientId) return { status: 'invalid' };
    if (result.affected === 1) return { status: 'redeemed', record };
    if (record.usedAt !== null) return { status: 'replayed', grantId: record.grantId };
    return { status: 'invalid' };
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
