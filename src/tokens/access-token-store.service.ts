import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { GroupCommit } from '../database/group-commit';
import { AccessTokenEntity } from './access-token.entity';
import { toSqlDatetime } from '../database/sql-time';
import { TransactionsService } from '../database/transactions.service';
import { CoalescedLookup } from '../database/coalesced-lookup';

const INSERT_ACCESS_TOKENS =
  'INSERT INTO access_tokens (jti, grant_id, client_id, user_id, scope, expires_at, revoked_at, created_at) VALUES ';
const ACCESS_TOKEN_VALUES = '(?, ?, ?, ?, ?, ?, NULL, ?)';

type AccessTokenRow = [string, string | null, string, string | null, string, string, string];

/** What is stored about an issued access token; the token text itself is never stored. */
export interface AccessTokenRecord {
  jti: string;
  /** The token family (grant); null for client credentials. */
  grantId: string | null;
  clientId: string;
  /** null for client credentials. */
  userId: string | null;
  scope: string;
  expiresAt: Date;
  createdAt: Date;
}

async function insertRows(manager: EntityManager, rows: AccessTokenRow[]): Promise<void> {
  await manager.query(INSERT_ACCESS_TOKENS + rows.map(() => ACCESS_TOKEN_VALUES).join(', '), rows.flat());
}

/** The access_tokens rows: every issued token has one, so revocation is exact. */
@Injectable()
export class AccessTokenStore {
  /** Records of tokens issued outside a grant's transaction (client credentials), written in groups. */
  private readonly records: GroupCommit<AccessTokenRow>;
  /** Liveness questions asked together share one query (API calls, introspection, token exchange). */
  private readonly liveness = new CoalescedLookup<string, true>(async (jtis) => {
    const live = await this.findLive(jtis);
    return new Map([...live].map((jti) => [jti, true]));
  });

  constructor(
    @InjectRepository(AccessTokenEntity) private readonly repository: Repository<AccessTokenEntity>,
    private readonly transactions: TransactionsService,
  ) {
    this.records = new GroupCommit((rows) => this.transactions.write((writer) => insertRows(writer, rows)));
  }

  /**
   * Stores a record before its token is handed out. Pass the transaction's manager to store it
   * atomically with a grant; without one, concurrent records share one statement (group commit).
   */
  async insert(record: AccessTokenRecord, manager?: EntityManager): Promise<void> {
    const row: AccessTokenRow = [
      record.jti,
      record.grantId,
      record.clientId,
      record.userId,
      record.scope,
      toSqlDatetime(record.expiresAt),
      toSqlDatetime(record.createdAt),
    ];
    // The token endpoint's hot path: a hand-written statement, without the query builder's cost.
    await (manager ? insertRows(manager, [row]) : this.records.add(row));
  }

  /** The jtis among `jtis` that are revoked or have no record (deleted client or user). */
  async findRevokedOrMissing(jtis: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(jtis)];
    const live = await this.findLive(unique);
    return new Set(unique.filter((jti) => !live.has(jti)));
  }

  /** The jtis among `jtis` whose record exists and is not revoked. */
  private async findLive(jtis: readonly string[]): Promise<Set<string>> {
    if (jtis.length === 0) return new Set();
    // Checked on every introspection and every API call: a prepared statement, not the query builder.
    const rows: Array<{ jti: string }> = await this.repository.query(
      `SELECT jti FROM access_tokens WHERE revoked_at IS NULL AND jti IN (${jtis.map(() => '?').join(', ')})`,
      [...jtis],
    );
    return new Set(rows.map((row) => row.jti));
  }

  /**
   * True when the token's record exists and is not revoked, asked of the database by a query that
   * starts after the call (nothing cached: a revocation reaches every instance at once).
   */
  async isLive(jti: string): Promise<boolean> {
    return (await this.liveness.get(jti)) === true;
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
