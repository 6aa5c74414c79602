import { timeOrderedId } from '../common/crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { And, EntityManager, Equal, FindOptionsWhere, In, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import { decodePageCursor, Page, toPage } from '../common/pagination';
import { operationsConfig } from '../config/operations.config';
import { TransactionsService } from '../database/transactions.service';
import { AuditEventEntity } from './audit-event.entity';
import { AuditEventInput, AuditEventType, AuditEventView } from './audit-events';

export const DEFAULT_AUDIT_PAGE_SIZE = 50;
export const MAX_AUDIT_PAGE_SIZE = 1000;

export interface AuditQuery {
  type?: AuditEventType;
  /** Only events at or after this instant. */
  since?: Date;
  limit?: number;
  /** `next_cursor` of the previous page. */
  cursor?: string;
}

export type AuditPage = Page<AuditEventView>;

const DAY_MS = 24 * 60 * 60 * 1000;

function toRow(event: AuditEventInput): AuditEventEntity {
  return Object.assign(new AuditEventEntity(), {
    id: timeOrderedId(),
    at: new Date(),
    type: event.type,
    actor: event.actor ?? null,
    subject: event.subject ?? null,
    clientId: event.clientId ?? null,
    ip: event.ip ?? null,
    details: event.details ?? {},
  });
}

function toView(row: AuditEventEntity): AuditEventView {
  return {
    id: row.id,
    at: row.at.toISOString(),
    type: row.type,
    actor: row.actor,
    subject: row.subject,
    client_id: row.clientId,
    ip: row.ip,
    details: row.details,
  };
}

/**
 * The audit log: each event is a row of `audit_events`, written in the transaction of the change it
 * records when there is one (pass its EntityManager), and a JSON log line with `"audit": true`.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
    private readonly transactions: TransactionsService,
    @Inject(operationsConfig.KEY) private readonly operations: ConfigType<typeof operationsConfig>,
  ) {}

  /**
   * Records an event: inside the caller's transaction when `manager` is given (so it is stored
   * exactly when the change is), on its own otherwise.
   */
  async record(event: AuditEventInput, manager?: EntityManager): Promise<void> {
    const row = manager
      ? await this.store(event, manager)
      : await this.transactions.write((writer) => this.store(event, writer));
    this.log(row);
  }

  /** Runs `work` in a transaction and records the event it describes in the same one; logs it once committed. */
  async inTransaction<T>(
    work: (manager: EntityManager) => Promise<T>,
    event: (result: T) => AuditEventInput,
  ): Promise<T> {
    let row: AuditEventEntity | undefined;
    const result = await this.transactions.transaction(async (manager) => {
      const outcome = await work(manager);
      row = await this.store(event(outcome), manager);
      return outcome;
    });
    if (row) this.log(row);
    return result;
  }

  /** Writes the row (the one place events are stored). */
  private async store(event: AuditEventInput, manager: EntityManager): Promise<AuditEventEntity> {
    const row = toRow(event);
    await manager.insert(AuditEventEntity, row as never);
    return row;
  }

  private log(row: AuditEventEntity): void {
    this.logger.log({ audit: true, event: toView(row) }, `audit ${row.type}`);
  }

  /** Newest first, keyset-paginated on (at, id). */
  async list(query: AuditQuery = {}): Promise<AuditPage> {
    const limit = query.limit ?? DEFAULT_AUDIT_PAGE_SIZE;
    const after = query.cursor === undefined ? undefined : decodePageCursor(query.cursor);
    const base: FindOptionsWhere<AuditEventEntity> = {};
    if (query.type) base.type = query.type;
    let where: FindOptionsWhere<AuditEventEntity>[];
    if (after) {
      const older = query.since ? And(MoreThanOrEqual(query.since), LessThan(after.at)) : LessThan(after.at);
      where = [
        { ...base, at: older },
        { ...base, at: Equal(after.at), id: LessThan(after.key) },
      ];
    } else {
      where = [query.since ? { ...base, at: MoreThanOrEqual(query.since) } : base];
    }
    const rows = await this.events.find({ where, order: { at: 'DESC', id: 'DESC' }, take: limit + 1 });
    return toPage(rows, limit, toView, (row) => ({ at: row.at, key: row.id }));
  }

  /** Deletes up to `batchSize` events older than AUDIT_RETENTION_DAYS, oldest first; returns how many. */
  async deleteExpired(now: Date, batchSize: number): Promise<number> {
    const before = new Date(now.getTime() - this.operations.auditRetentionDays * DAY_MS);
    const rows = await this.events.find({
      select: { id: true },
      where: { at: LessThan(before) },
      order: { at: 'ASC' },
      take: batchSize,
    });
    if (rows.length === 0) return 0;
    const result = await this.events.delete({ id: In(rows.map((row) => row.id)) });
    return result.affected ?? rows.length;
  }
}
