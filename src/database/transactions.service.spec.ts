import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbstractLogger, DataSource, LogLevel, LogMessage } from 'typeorm';
import { TransactionsService } from './transactions.service';

class StatementLog extends AbstractLogger {
  readonly statements: string[] = [];
  protected writeLog(_level: LogLevel, message: LogMessage | LogMessage[]): void {
    for (const entry of Array.isArray(message) ? message : [message]) {
      if (entry.type === 'query') this.statements.push(String(entry.message));
    }
  }
}

describe(`${TransactionsService.name} on SQLite`, () => {
  let directory: string;
  let dataSource: DataSource;
  let log: StatementLog;
  let transactions: TransactionsService;

  const stored = async (): Promise<number[]> =>
    (await dataSource.query('SELECT v FROM t ORDER BY v')).map((row: { v: number }) => row.v);
  const commits = (): number => log.statements.filter((statement) => statement === 'COMMIT').length;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'tollgate-transactions-'));
    log = new StatementLog('all');
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: join(directory, 'db.sqlite'),
      enableWAL: true,
      logger: log,
      logging: ['query'],
    });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE t (v INTEGER PRIMARY KEY)');
    transactions = new TransactionsService(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await dataSource.query('DELETE FROM t');
    log.statements.length = 0;
  });

  it('stores transactions requested together with one commit, answering each with its own result', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4].map((v) =>
        transactions.transaction(async (manager) => {
          await manager.query('INSERT INTO t (v) VALUES (?)', [v]);
          await manager.query('INSERT INTO t (v) VALUES (?)', [v * 10]);
          return v;
        }),
      ),
    );
    expect(results).toEqual([1, 2, 3, 4]);
    expect(await stored()).toEqual([1, 2, 3, 4, 10, 20, 30, 40]);
    expect(commits()).toBe(1);
  });

  it('rolls back a failing transaction alone: the others of its batch are stored', async () => {
    const results = await Promise.allSettled(
      [1, 2, 3].map((v) =>
        transactions.transaction(async (manager) => {
          await manager.query('INSERT INTO t (v) VALUES (?)', [v]);
          if (v === 2) throw new Error('refused');
          return v;
        }),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('refused'));
    expect(await stored()).toEqual([1, 3]);
  });

  it('fails every caller of a batch whose commit fails, and stores none of it', async () => {
    // A deferred constraint is checked at COMMIT: the shared commit fails after every unit succeeded.
    await dataSource.query('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
    await dataSource.query(
      'CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)',
    );
    await dataSource.query('PRAGMA foreign_keys = ON');
    try {
      const results = await Promise.allSettled([
        transactions.transaction((manager) => manager.query('INSERT INTO t (v) VALUES (1)')),
        transactions.transaction((manager) => manager.query('INSERT INTO child (id, parent_id) VALUES (1, 99)')),
      ]);
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
      expect(await stored()).toEqual([]);
      // The connection is usable again afterwards.
      await transactions.transaction((manager) => manager.query('INSERT INTO t (v) VALUES (5)'));
      expect(await stored()).toEqual([5]);
    } finally {
      await dataSource.query('PRAGMA foreign_keys = OFF');
      await dataSource.query('DROP TABLE child');
      await dataSource.query('DROP TABLE parent');
    }
  });

  it('answers no caller before the commit that stores its work', async () => {
    let isAnswered = false;
    const answered = transactions
      .transaction((manager) => manager.query('INSERT INTO t (v) VALUES (7)'))
      .then(() => (isAnswered = true));
    expect(isAnswered).toBe(false);
    await answered;
    expect(log.statements.indexOf('COMMIT')).toBeGreaterThan(-1);
    expect(isAnswered).toBe(true);
  });

  it('runs a single write in the same queue, after the transactions ahead of it', async () => {
    const order: string[] = [];
    await Promise.all([
      transactions.transaction(async (manager) => {
        await manager.query('INSERT INTO t (v) VALUES (1)');
        order.push('transaction');
      }),
      transactions.write(async (manager) => {
        await manager.query('INSERT INTO t (v) VALUES (2)');
        order.push('write');
      }),
    ]);
    expect(order).toEqual(['transaction', 'write']);
    expect(await stored()).toEqual([1, 2]);
  });

  it('keeps working through more waiting transactions than one batch holds', async () => {
    const values = Array.from({ length: 150 }, (_, index) => index + 1);
    await Promise.all(
      values.map((v) => transactions.transaction((manager) => manager.query('INSERT INTO t (v) VALUES (?)', [v]))),
    );
    expect(await stored()).toEqual(values);
    expect(commits()).toBeGreaterThanOrEqual(3);
    expect(commits()).toBeLessThan(10);
  });
});
