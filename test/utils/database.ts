import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

/** The tables of the initial schema: what a migration test expects and a sweep must leave unchanged. */
export const CORE_TABLES = [
  'oauth_clients',
  'users',
  'consents',
  'authorization_codes',
  'refresh_tokens',
  'access_tokens',
  'signing_keys',
  'notes',
];

/** True when this run targets MySQL/MariaDB (the CI's MySQL suite sets TEST_DATABASE_URL). */
export const isMysqlRun = (process.env.TEST_DATABASE_URL ?? '').startsWith('mysql://');

/** Splits a mysql:// URL into the server URL and the database name. */
function splitMysqlUrl(url: string): { server: URL; name: string } {
  const server = new URL(url);
  const name = decodeURIComponent(server.pathname.replace(/^\//, '')) || 'tollgate_test';
  return { server, name };
}

async function adminQuery(server: URL, sql: string): Promise<void> {
  const connection = await createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
    connectTimeout: 5000,
  });
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}

/** A fresh, empty database for one app under test; drop() removes it. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** SQLite in memory by default; a fresh MySQL database per app in the MySQL run. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!isMysqlRun) return { url: 'sqlite::memory:', drop: async () => undefined };
  const { server, name } = splitMysqlUrl(process.env.TEST_DATABASE_URL as string);
  const database = `${name}_${randomBytes(4).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = new URL(server.toString());
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(server, `DROP DATABASE IF EXISTS \`${database}\``),
  };
}

/** A database several apps can open at once (a temp file on SQLite, since `:memory:` is per connection). */
export async function createSharedTestDatabase(): Promise<TestDatabase> {
  if (isMysqlRun) return createTestDatabase();
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-shared-'));
  return {
    url: `sqlite:${join(directory, 'shared.sqlite')}`,
    drop: async () => rmSync(directory, { recursive: true, force: true }),
  };
}
