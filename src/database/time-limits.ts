import type { DataSource } from 'typeorm';

/** The error of a request that waited too long for a pooled connection (counted as "database unavailable"). */
export class PoolAcquireTimeoutError extends Error {
  readonly code = 'POOL_ACQUIRE_TIMEOUT';

  constructor(waitedMs: number) {
    super(`No database connection became free within ${waitedMs} ms`);
  }
}

type QueryCallback = (error: (Error & { code?: string }) | null, ...results: unknown[]) => void;
interface PooledConnection {
  release(): void;
  destroy(): void;
  query(sql: unknown, values?: unknown, callback?: QueryCallback): unknown;
}
type Callback = (error: Error | null, connection?: PooledConnection) => void;
interface CallbackPool {
  getConnection(callback: Callback): void;
}

const GUARDED = new WeakSet<PooledConnection>();

/**
 * mysql2 answers a timed-out query with an error but leaves it running on its connection, where the
 * next query would wait behind it with no timer of its own: a timed-out connection is destroyed,
 * which also takes it out of the pool.
 */
function destroyOnTimeout(connection: PooledConnection): void {
  if (GUARDED.has(connection)) return;
  GUARDED.add(connection);
  const query = connection.query.bind(connection);
  connection.query = (sql: unknown, values?: unknown, callback?: QueryCallback) => {
    const done = typeof values === 'function' ? (values as QueryCallback) : callback;
    const args = typeof values === 'function' ? undefined : values;
    return query(sql, args, (error, ...results) => {
      if (error?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') connection.destroy();
      done?.(error, ...results);
    });
  };
}

/**
 * Time limits on MySQL, so that a database that stops answering (a network black hole, not a refused
 * connection) costs a request a few seconds and a 503, never a hang until TCP gives up:
 * - every statement after boot gets `queryTimeoutMs`; the connection it ran on is then destroyed;
 *   migrations at boot run before this, without a limit;
 * - waiting for a pooled connection gets `acquireTimeoutMs` (mysql2's pool has no such option).
 * Nothing changes on SQLite, whose calls do not leave the process.
 */
export function applyMysqlTimeLimits(
  dataSource: DataSource,
  limits: { queryTimeoutMs: number; acquireTimeoutMs: number },
): void {
  const type = dataSource.options.type;
  if (type !== 'mysql' && type !== 'mariadb') return;
  // TypeORM reads these on every query (MysqlQueryRunner.query): `{ sql, timeout }` for mysql2.
  Object.assign(dataSource.driver.options, { maxQueryExecutionTime: limits.queryTimeoutMs, enableQueryTimeout: true });
  const pool = (dataSource.driver as unknown as { pool?: CallbackPool }).pool;
  if (!pool) return;
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = (callback: Callback): void => {
    let isTimedOut = false;
    const timer = setTimeout(() => {
      isTimedOut = true;
      callback(new PoolAcquireTimeoutError(limits.acquireTimeoutMs));
    }, limits.acquireTimeoutMs);
    getConnection((error, connection) => {
      if (isTimedOut) {
        // The caller has gone; hand the connection back to the pool.
        connection?.release();
        return;
      }
      clearTimeout(timer);
      if (connection) destroyOnTimeout(connection);
      callback(error, connection);
    });
  };
}
