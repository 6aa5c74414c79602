import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** InnoDB deadlock and lock-wait errors: the transaction was rolled back and may simply run again. */
const RETRYABLE_MYSQL_ERRORS = new Set([1213, 1205]);
const MAX_ATTEMPTS = 3;

function isRetryable(error: unknown): boolean {
  const failure = error as { errno?: unknown; driverError?: { errno?: unknown } } | null;
  const errno = failure?.driverError?.errno ?? failure?.errno;
  return typeof errno === 'number' && RETRYABLE_MYSQL_ERRORS.has(errno);
}

/**
 * Runs the token tables' writes. On MySQL each transaction takes a pooled connection and a
 * deadlock is retried. SQLite has a single connection that TypeORM shares between all callers,
 * so two concurrent transactions would nest into one: there, writes run one at a time.
 */
@Injectable()
export class TransactionsService {
  private readonly isSerialized: boolean;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.isSerialized = dataSource.options.type === 'better-sqlite3';
  }

  /** Runs `work` in a transaction: all of it is stored, or none of it. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isSerialized) return this.serialize(() => this.dataSource.transaction(work));
    return this.withRetry(() => this.dataSource.transaction(work));
  }

  /** Runs a single statement outside a transaction (never inside another caller's SQLite transaction). */
  write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isSerialized) return this.serialize(() => work(this.dataSource.manager));
    return work(this.dataSource.manager);
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async withRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  }
}
