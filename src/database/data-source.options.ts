import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/database.config';
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

/**
 * The one place that turns DATABASE_URL into TypeORM options, used by the app and by ormconfig.ts.
 * `synchronize` is never on: the schema comes from migrations only.
 */
export function buildDataSourceOptions(db: DatabaseConfig, entities: EntityList = []): DataSourceOptions {
  const common = {
    entities,
    migrations: MIGRATIONS,
    migrationsRun: db.migrationsRun,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
  } as const;

  if (isMysqlUrl(db.url)) {
    return {
      ...common,
      type: 'mysql',
      url: db.url.replace(/^mariadb:/, 'mysql:'),
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
    },
  };
}
