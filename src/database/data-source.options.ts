import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/database.config';
import { DatabaseLogger } from './database-logger';
import { MIGRATIONS } from './migrations';

type EntityList = NonNullable<DataSourceOptions['entities']>;

/** `sqlite:PATH`, `sqlite::memory:` → the file path (or `:memory:`). */
export function sqlitePath(url: string): string {
  const path = url.slice('sqlite:'.length);
  return path === ':memory:' || path === '' ? ':memory:' : path;
}

export function isMysqlUrl(url: string): boolean {
  return url.startsWith('mysql://') || url.startsWith('mariadb://');
}

export type MysqlFlavor = 'mysql' | 'mariadb';

/** The connection fields of a `mysql://` or `mariadb://` URL; the one place that parses one. */
export interface MysqlAddress {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Empty when the URL names no database. */
  database: string;
}

export function parseMysqlUrl(value: string): MysqlAddress {
  const url = new URL(value.replace(/^mariadb:/, 'mysql:'));
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
  };
}

/** Where DATABASE_URL points, for messages: a file, or host:port/database (never the password). */
export function describeDatabase(url: string): string {
  if (!isMysqlUrl(url)) return sqlitePath(url);
  const { host, port, database } = parseMysqlUrl(url);
  return `${host}:${port}/${database}`;
}

/** The driver's reason, without a stack: `ECONNREFUSED`, `Unknown database 'x'`… */
export function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  if (error.message) return error.message;
  if (error instanceof AggregateError && error.errors.length > 0) return describeCause(error.errors[0]);
  return typeof code === 'string' ? code : error.name;
}

/** A failure to open the database, naming where (never the password) and why, in one line. */
export class DatabaseOpenError extends Error {
  constructor(where: string, cause: unknown) {
    super(`cannot open the database at ${where}: ${describeCause(cause)}`, { cause });
  }
}

/**
 * MySQL or MariaDB? `mysql://` serves both, but TypeORM reads the schema of each differently
 * (MariaDB reports defaults and constraints its own way), so ask the server once at boot. When the
 * app runs its own migrations it also creates the database if it does not exist yet.
 */
export async function detectMysqlFlavor(db: DatabaseConfig): Promise<MysqlFlavor> {
  const { host, port, user, password, database } = parseMysqlUrl(db.url);
  // Loaded here: a SQLite server (and the admin CLI) never pays for the MySQL client.
  const { createConnection } = await import('mysql2/promise');
  const connection = await createConnection({ host, port, user, password, connectTimeout: db.connectTimeoutMs }).catch(
    (error: unknown) => {
      throw new DatabaseOpenError(describeDatabase(db.url), error);
    },
  );
  try {
    if (db.migrationsRun && database) {
      // A fresh server needs no manual step; without the privilege, the connection error below says why.
      await connection
        .query(`CREATE DATABASE IF NOT EXISTS \`${database.replace(/`/g, '``')}\` CHARACTER SET utf8mb4`)
        .catch(() => undefined);
    }
    const [rows] = await connection.query('SELECT VERSION() AS version');
    const version = String((rows as Array<{ version: unknown }>)[0]?.version ?? '');
    return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}

/** The options for DATABASE_URL, asking a MySQL-protocol server which one it is. */
export async function resolveDataSourceOptions(
  db: DatabaseConfig,
  entities: EntityList = [],
): Promise<DataSourceOptions> {
  const flavor = isMysqlUrl(db.url) ? await detectMysqlFlavor(db) : 'mysql';
  return buildDataSourceOptions(db, entities, flavor);
}

/**
 * The one place that turns DATABASE_URL into TypeORM options, used by the app and by ormconfig.ts.
 * `synchronize` is never on: the schema comes from migrations only.
 */
export function buildDataSourceOptions(
  db: DatabaseConfig,
  entities: EntityList = [],
  flavor: MysqlFlavor = 'mysql',
): DataSourceOptions {
  const common = {
    entities,
    migrations: MIGRATIONS,
    migrationsRun: db.migrationsRun,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    logger: new DatabaseLogger(),
  } as const;

  if (isMysqlUrl(db.url)) {
    // Explicit fields, not `url`: the schema tools need the database name to scope their queries.
    const address = parseMysqlUrl(db.url);
    return {
      ...common,
      type: flavor,
      host: address.host,
      port: address.port,
      username: address.user,
      password: address.password,
      database: address.database,
      charset: 'utf8mb4',
      // Dates are written and read as UTC whatever the process's time zone.
      timezone: 'Z',
      connectTimeout: db.connectTimeoutMs,
      poolSize: db.poolSize,
      extra: {
        connectionLimit: db.poolSize,
        // A pool that waits forever hides an outage; fail fast and let the caller answer 503.
        queueLimit: 1000,
        enableKeepAlive: true,
        // mysql2 captures a stack trace per query for its error messages: measurable on hot paths.
        trace: false,
      },
    };
  }

  const database = sqlitePath(db.url);
  if (database !== ':memory:') mkdirSync(dirname(resolve(database)), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database,
    enableWAL: database !== ':memory:',
    prepareDatabase: (connection: { pragma(source: string): unknown }) => {
      connection.pragma('busy_timeout = 5000');
      connection.pragma('synchronous = NORMAL');
      connection.pragma('foreign_keys = ON');
      // Savepoints (one per transaction in a group commit) journal in memory, not in a temp file.
      connection.pragma('temp_store = MEMORY');
    },
  };
}
