import type { DataSource } from 'typeorm';
import { applyMysqlTimeLimits, PoolAcquireTimeoutError } from './time-limits';

type Callback = (error: Error | null, connection?: FakeConnection) => void;

class FakeConnection {
  isReleased = false;
  isDestroyed = false;
  /** What the next query answers. */
  nextError: (Error & { code?: string }) | null = null;

  release(): void {
    this.isReleased = true;
  }

  destroy(): void {
    this.isDestroyed = true;
  }

  query(_sql: unknown, _values: unknown, callback: (error: Error | null, rows?: unknown) => void): void {
    callback(this.nextError, this.nextError ? undefined : [{ ok: 1 }]);
  }
}

function fakeDataSource(type: string) {
  const waiting: Callback[] = [];
  const pool = { getConnection: (callback: Callback) => void waiting.push(callback) };
  const options: Record<string, unknown> = {};
  const dataSource = { options: { type }, driver: { options, pool } } as unknown as DataSource;
  return { dataSource, pool, options, waiting };
}

describe(applyMysqlTimeLimits.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('gives every later statement the query timeout (TypeORM passes it to mysql2)', () => {
    const { dataSource, options } = fakeDataSource('mariadb');
    applyMysqlTimeLimits(dataSource, { queryTimeoutMs: 1500, acquireTimeoutMs: 2000 });
    expect(options).toEqual({ maxQueryExecutionTime: 1500, enableQueryTimeout: true });
  });

  it('fails a wait for a pooled connection after the acquire timeout, and returns a late connection', () => {
    const { dataSource, pool, waiting } = fakeDataSource('mysql');
    applyMysqlTimeLimits(dataSource, { queryTimeoutMs: 1500, acquireTimeoutMs: 2000 });
    const answers: Array<Error | null> = [];
    pool.getConnection((error) => answers.push(error));
    jest.advanceTimersByTime(1999);
    expect(answers).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toBeInstanceOf(PoolAcquireTimeoutError);
    expect(answers[0]).toMatchObject({ code: 'POOL_ACQUIRE_TIMEOUT' });
    const late = new FakeConnection();
    waiting[0](null, late);
    expect(late.isReleased).toBe(true);
    expect(answers).toHaveLength(1);
  });

  it('destroys a connection whose query timed out, and only then', () => {
    const { dataSource, pool, waiting } = fakeDataSource('mysql');
    applyMysqlTimeLimits(dataSource, { queryTimeoutMs: 1500, acquireTimeoutMs: 2000 });
    let handed: FakeConnection | undefined;
    pool.getConnection((_error, connection) => {
      handed = connection;
    });
    const connection = new FakeConnection();
    waiting[0](null, connection);
    const results: unknown[] = [];
    (handed as FakeConnection).query('SELECT 1', [], (error, rows) => results.push(error ?? rows));
    expect(connection.isDestroyed).toBe(false);
    connection.nextError = Object.assign(new Error('Query inactivity timeout'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' });
    (handed as FakeConnection).query('SELECT 1', [], (error) => results.push(error));
    expect(connection.isDestroyed).toBe(true);
    expect(results).toEqual([[{ ok: 1 }], expect.objectContaining({ code: 'PROTOCOL_SEQUENCE_TIMEOUT' })]);
  });

  it('leaves SQLite alone', () => {
    const { dataSource, pool, options } = fakeDataSource('better-sqlite3');
    const getConnection = pool.getConnection;
    applyMysqlTimeLimits(dataSource, { queryTimeoutMs: 1500, acquireTimeoutMs: 2000 });
    expect(options).toEqual({});
    expect(pool.getConnection).toBe(getConnection);
  });
});
