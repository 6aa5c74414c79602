import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/database.config';
import {
  DatabaseOpenError,
  describeCause,
  describeDatabase,
  isMysqlUrl,
  resolveDataSourceOptions,
  sqlitePath,
} from './data-source.options';
import { MIGRATIONS } from './migrations';

/** The database at DATABASE_URL cannot serve a command that must not create or migrate it. */
export class DatabaseNotReadyError extends Error {}

/**
 * Checks, without writing anything, that the database exists and carries every migration: a
 * read-only admin command must not create an empty database from a misspelt DATABASE_URL and then
 * report that it holds nothing.
 */
export async function assertDatabaseReady(db: DatabaseConfig): Promise<void> {
  const where = describeDatabase(db.url);
  const hint = 'check DATABASE_URL, or start the server (or run a write command) once to create it';
  if (!isMysqlUrl(db.url)) {
    const path = sqlitePath(db.url);
    if (path === ':memory:') throw new DatabaseNotReadyError('an in-memory database is empty in every process');
    if (!existsSync(path)) throw new DatabaseNotReadyError(`no database at ${where}: ${hint}`);
  }
  let dataSource: DataSource;
  try {
    // migrationsRun false: the MySQL flavour check then does not create a missing database either.
    dataSource = await new DataSource(await resolveDataSourceOptions({ ...db, migrationsRun: false })).initialize();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ER_BAD_DB_ERROR') throw new DatabaseNotReadyError(`no database at ${where}: ${hint}`);
    if (error instanceof DatabaseOpenError) throw new DatabaseNotReadyError(error.message);
    throw new DatabaseNotReadyError(`cannot open the database at ${where}: ${describeCause(error)}`);
  }
  try {
    const runner = dataSource.createQueryRunner();
    let applied: string[] = [];
    try {
      if (await runner.hasTable('migrations')) {
        const rows: Array<{ name: string }> = await runner.query('SELECT name FROM migrations');
        applied = rows.map((row) => row.name);
      }
    } finally {
      await runner.release();
    }
    const pending = MIGRATIONS.map((migration) => migration.name).filter((name) => !applied.includes(name));
    if (pending.length === MIGRATIONS.length) {
      throw new DatabaseNotReadyError(`the database at ${where} has no Tollgate schema: ${hint}`);
    }
    if (pending.length > 0) {
      throw new DatabaseNotReadyError(
        `the database at ${where} lacks ${pending.length} migration(s) (${pending.join(', ')}): start the server or run a write command to apply them`,
      );
    }
  } finally {
    await dataSource.destroy();
  }
}
