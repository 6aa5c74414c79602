import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** InnoDB deadlock and lock-wait errors: the transaction was rolled back and may simply run again. */
const RETRYABLE_MYSQL_ERRORS = new Set([1213, 1205]);
const MAX_ATTEMPTS = 3;
/** Units of work that share one SQLite commit at most. */
const MAX_BATCH = 64;

function isRetryable(error: unknown): boolean {
  const failure = error as { errno?: unknown; driverError?: { errno?: unknown } } | null;
  const errno = failure?.driverError?.errno ?? failure?.errno;
  return typeof errno === 'number' && RETRYABLE_MYSQL_ERRORS.has(errno);
}

interface Unit {
  work: (manager: EntityManager) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { unit: Unit; ok: true; value: unknown } | { unit: Unit; ok: false; error: unknown };

/**
 * Runs the token tables' writes. On MySQL each transaction takes a pooled connection and a
 * deadlock is retried. SQLite has a single connection that TypeORM shares between all callers, so
 * writes run one at a time there; and since a commit costs more than the statements of a token
 * request together (it writes every changed page to the WAL), the transactions waiting their turn
 * share one: each runs in its own savepoint (all of it or none of it, as before), and every caller
 * is answered only once the shared commit has stored its work (group commit).
 */
@Injectable()
export class TransactionsService {
  private readonly isSerialized: boolean;
  private waiting: Unit[] = [];
  private isDraining = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.isSerialized = dataSource.options.type === 'better-sqlite3';
  }

  /** Runs `work` in a transaction: all of it is stored, or none of it. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isSerialized) return this.enqueue(work);
    return this.withRetry(() => this.dataSource.transaction(work));
  }

  /** Runs a single statement outside any other caller's transaction. */
  write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isSerialized) return this.enqueue(work);
    return work(this.dataSource.manager);
  }

  private enqueue<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * The next batch starts after the event loop has read what arrived meanwhile: statements resolve in
   * microtasks, so a batch started at once would always hold a single unit.
   */
  private schedule(): void {
    if (this.isDraining) return;
    this.isDraining = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    await this.runBatch(this.waiting.splice(0, MAX_BATCH));
    this.isDraining = false;
    if (this.waiting.length > 0) this.schedule();
  }

  private async runBatch(batch: Unit[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    const outcomes: Outcome[] = [];
    try {
      await runner.startTransaction();
      for (const unit of batch) {
        // A nested start is a SAVEPOINT: a unit that throws is rolled back alone.
        await runner.startTransaction();
        try {
          const value = await unit.work(runner.manager);
          await runner.commitTransaction();
          outcomes.push({ unit, ok: true, value });
        } catch (error) {
          await runner.rollbackTransaction();
          outcomes.push({ unit, ok: false, error });
        }
      }
      await runner.commitTransaction();
    } catch (error) {
      // The shared BEGIN or COMMIT failed: none of the batch is stored, so no caller succeeds.
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      for (const unit of batch) unit.reject(error);
      return;
    } finally {
      await runner.release();
    }
    for (const outcome of outcomes) {
      if (outcome.ok) outcome.unit.resolve(outcome.value);
      else outcome.unit.reject(outcome.error);
    }
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
