// The servers under test: Tollgate (SQLite or MySQL/MariaDB), the oidc-provider peer, the bare Nest app.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { URL } from 'node:url';
import { freePort, runToCompletion, startNode, stopChild, waitReady } from './proc.mjs';

export const PATHS = {
  authorize: '/oauth/authorize',
  token: '/oauth/token',
  introspect: '/oauth/introspect',
  me: '/api/me',
};

const REDIRECT_URI = 'http://127.0.0.1/cb';
const USERNAME = 'bench';
const SCOPE = 'profile notes:read notes:write';

/** Only what a server needs from the bench's environment (no inherited DATABASE_URL, PORT, ...). */
function baseEnv() {
  const env = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'SystemRoot']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return env;
}

class Target {
  constructor({ name, label, kind, phases, workDir, pin, root }) {
    Object.assign(this, { name, label, kind, phases: new Set(phases), workDir, pin, root });
    this.paths = PATHS;
    this.redirectUri = REDIRECT_URI;
    this.username = USERNAME;
    this.password = `bench-${randomBytes(12).toString('base64url')}`;
    this.starts = 0;
    mkdirSync(workDir, { recursive: true });
  }

  /** Once per benchmark, before the first start. */
  async setup() {}

  /** Once per benchmark, after the last stop (also on errors). */
  async teardown() {}

  async start() {
    this.starts += 1;
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    const { args, env } = this.command(port);
    this.child = startNode(args, {
      cwd: this.root,
      env: { ...baseEnv(), ...env },
      logFile: join(this.workDir, `server-${this.starts}.log`),
      pin: this.pin,
    });
    await waitReady(this.child, `${this.baseUrl}/health`);
    return this.child;
  }

  async stop() {
    if (this.child) await stopChild(this.child);
    this.child = undefined;
  }
}

/** Tollgate from dist/, production mode, on a fresh SQLite file or a fresh MySQL/MariaDB database. */
export class TollgateTarget extends Target {
  constructor(options) {
    super({
      ...options,
      kind: 'tollgate',
      phases: ['client_credentials', 'introspection', 'bearer_me', 'auth_code_flow', 'refresh_rotation'],
    });
    this.databaseUrl = options.databaseUrl ?? `sqlite:${join(this.workDir, 'tollgate.sqlite')}`;
    this.isMysql = /^(mysql|mariadb):/.test(this.databaseUrl);
    this.cpuProfileDir = options.cpuProfileDir;
    this.nodeOptions = options.nodeOptions ?? [];
  }

  env() {
    return {
      NODE_ENV: 'production',
      DATABASE_URL: this.databaseUrl,
      HOST: '127.0.0.1',
      // Honest traffic only: the limits are for abuse, not for a benchmark's one client.
      RATE_LIMIT_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    };
  }

  async setup() {
    if (this.isMysql) {
      const version = await recreateMysqlDatabase(this.databaseUrl);
      this.serverVersion = version;
      this.label = /mariadb/i.test(version) ? 'Tollgate (MariaDB)' : 'Tollgate (MySQL)';
    }
    this.databaseCreated = true;
    const cli = (args) =>
      runToCompletion(['dist/cli.js', ...args], { cwd: this.root, env: { ...baseEnv(), ...this.env() } });
    const client = JSON.parse(
      await cli([
        'clients:create',
        '--name',
        'Benchmark client',
        '--redirect-uri',
        REDIRECT_URI,
        '--grant-types',
        'authorization_code,refresh_token,client_credentials',
        '--scope',
        SCOPE,
      ]),
    );
    this.clientId = client.client_id;
    this.clientSecret = client.client_secret;
    await cli(['users:create', '--username', USERNAME, '--password', this.password]);
  }

  command(port) {
    const profile = this.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${this.cpuProfileDir}`] : [];
    return {
      args: [...this.nodeOptions, ...profile, 'dist/main.js'],
      env: { ...this.env(), PORT: String(port), ISSUER: `http://127.0.0.1:${port}` },
    };
  }

  async teardown() {
    if (this.isMysql && this.databaseCreated) await dropMysqlDatabase(this.databaseUrl);
    this.databaseCreated = false;
  }
}

/** oidc-provider 9 with the equivalent configuration (bench/servers/oidc-peer.mjs). */
export class OidcProviderTarget extends Target {
  constructor(options) {
    super({
      ...options,
      kind: 'peer',
      phases: ['client_credentials', 'introspection', 'bearer_me', 'auth_code_flow', 'refresh_rotation'],
    });
    this.clientId = `bench-${randomBytes(9).toString('base64url')}`;
    this.clientSecret = randomBytes(32).toString('base64url');
  }

  command(port) {
    return {
      args: ['bench/servers/oidc-peer.mjs'],
      env: {
        NODE_ENV: 'production',
        PORT: String(port),
        BENCH_CLIENT_ID: this.clientId,
        BENCH_CLIENT_SECRET: this.clientSecret,
        BENCH_REDIRECT_URI: REDIRECT_URI,
        BENCH_USERNAME: USERNAME,
        BENCH_PASSWORD: this.password,
      },
    };
  }
}

/** The ceiling: a bare Nest app on Fastify answering small JSON (bench/servers/bare-nest.mjs). */
export class BareNestTarget extends Target {
  constructor(options) {
    super({
      ...options,
      kind: 'ceiling',
      phases: ['client_credentials', 'introspection', 'bearer_me', 'refresh_rotation'],
    });
    this.clientId = 'bare';
    this.clientSecret = 'bare';
  }

  command(port) {
    return { args: ['bench/servers/bare-nest.mjs'], env: { NODE_ENV: 'production', PORT: String(port) } };
  }
}

function mysqlServerOptions(databaseUrl) {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new Error(`unsupported database name "${database}" in --database`);
  return {
    database,
    connection: {
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      connectTimeout: 5000,
    },
  };
}

/** Runs statements on the server (no database selected); resolves the server's version. */
async function mysqlQuery(databaseUrl, statements) {
  const { default: mysql } = await import('mysql2/promise');
  const { connection: options } = mysqlServerOptions(databaseUrl);
  const connection = await mysql.createConnection(options);
  try {
    for (const statement of statements) await connection.query(statement);
    const [rows] = await connection.query('SELECT VERSION() AS version');
    return String(rows[0]?.version ?? '');
  } finally {
    await connection.end();
  }
}

export async function recreateMysqlDatabase(databaseUrl) {
  const { database } = mysqlServerOptions(databaseUrl);
  return mysqlQuery(databaseUrl, [
    `DROP DATABASE IF EXISTS \`${database}\``,
    `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`,
  ]);
}

export async function dropMysqlDatabase(databaseUrl) {
  const { database } = mysqlServerOptions(databaseUrl);
  await mysqlQuery(databaseUrl, [`DROP DATABASE IF EXISTS \`${database}\``]);
}
