import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { UserEntity } from '../src/users/user.entity';
import { createTestApp, TestApp } from './utils/app';
import { CORE_TABLES, isMysqlRun } from './utils/database';

async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((query) => query.query);
}

async function tableNames(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const present: string[] = [];
    for (const table of CORE_TABLES) if (await runner.hasTable(table)) present.push(table);
    return present;
  } finally {
    await runner.release();
  }
}

describe('migrations', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('run at boot and leave no drift between entities and schema', async () => {
    expect(await t.dataSource.showMigrations()).toBe(false);
    expect(await tableNames(t.dataSource)).toEqual(expect.arrayContaining(CORE_TABLES));
    expect(await pendingSchemaChanges(t.dataSource)).toEqual([]);
  });

  it('revert completely and apply again with no drift', async () => {
    const applied = t.dataSource.migrations.length;
    for (let i = 0; i < applied; i += 1) await t.dataSource.undoLastMigration();
    const remaining = await tableNames(t.dataSource);
    for (const table of CORE_TABLES) expect(remaining).not.toContain(table);

    await t.dataSource.runMigrations();
    expect(await tableNames(t.dataSource)).toEqual(expect.arrayContaining(CORE_TABLES));
    expect(await pendingSchemaChanges(t.dataSource)).toEqual([]);
  });

  it('compares identifiers byte-exact: case, trailing spaces and accents never match', async () => {
    const users = t.dataSource.getRepository(UserEntity);
    await users.insert({ id: randomUUID(), username: 'client', passwordHash: 'x', createdAt: new Date() });
    for (const lookalike of ['Client', 'client ', 'clïent', 'CLIENT']) {
      expect(await users.findOneBy({ username: lookalike })).toBeNull();
    }
    expect(await users.findOneBy({ username: 'client' })).not.toBeNull();
  });

  // SQLite compares text byte-exact already; collations exist only on MySQL/MariaDB.
  if (isMysqlRun) {
    it('creates the database on first boot when it does not exist yet (MySQL)', async () => {
      const url = new URL(t.database.url);
      url.pathname = `${url.pathname}_new`;
      const fresh = await createTestApp({ database: { url: url.toString(), drop: async () => undefined } });
      try {
        expect(await pendingSchemaChanges(fresh.dataSource)).toEqual([]);
      } finally {
        await fresh.dataSource.query(`DROP DATABASE \`${url.pathname.slice(1)}\``);
        await fresh.close();
      }
    });

    it('declares a binary no-pad collation on every string column (MySQL)', async () => {
      const rows: Array<{ TABLE_NAME: string; COLUMN_NAME: string; COLLATION_NAME: string }> = await t.dataSource.query(
        `SELECT TABLE_NAME, COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations' AND COLLATION_NAME IS NOT NULL`,
      );
      expect(rows.length).toBeGreaterThan(20);
      expect(rows.filter((row) => !/^utf8mb4_(nopad_bin|0900_bin)$/.test(row.COLLATION_NAME))).toEqual([]);
    });
  }
});
