import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { createConnection } from 'mysql2/promise';
import { createTestApp, TestApp } from './utils/app';
import { fetchForm, openControl } from './utils/cluster';
import { createSharedTestDatabase, createTestDatabase, isMysqlRun, TestDatabase } from './utils/database';
import { createClient } from './utils/fixtures';
import { basicOf, tokenRequest } from './utils/oauth';
import { SPAWNING_TEST_TIMEOUT_MS, startServer, TollgateProcess } from './utils/process';
import { startTcpProxy, TcpProxy } from './utils/tcp-proxy';
import { waitUntil } from './utils/wait';

async function admin(serverUrl: URL, sql: string, params: unknown[] = []): Promise<unknown[]> {
  const connection = await createConnection({
    host: serverUrl.hostname,
    port: Number(serverUrl.port || 3306),
    user: decodeURIComponent(serverUrl.username),
    password: decodeURIComponent(serverUrl.password),
  });
  try {
    const [rows] = await connection.query(sql, params);
    return rows as unknown[];
  } finally {
    await connection.end();
  }
}

describe('database gone from under a running app', () => {
  it('answers 503 temporarily_unavailable with Retry-After, then serves again once it is back', async () => {
    // A file database, so the data is still there when the connection comes back.
    const database = await createSharedTestDatabase();
    const t = await createTestApp({ database });
    try {
      const client = await createClient(t, {
        name: 'Outage client',
        grantTypes: ['client_credentials'],
        scope: 'profile',
      });
      const issue = () => tokenRequest(t, { grant_type: 'client_credentials' }, basicOf(client));
      expect((await issue()).status).toBe(200);

      await t.dataSource.destroy();
      const during = await issue();
      expect(during.status).toBe(503);
      expect(during.headers['retry-after']).toMatch(/^\d+$/);
      expect(during.headers['cache-control']).toBe('no-store');
      expect(during.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });

      await t.dataSource.initialize();
      const after = await issue();
      expect(after.status).toBe(200);
    } finally {
      await t.close();
      await database.drop();
    }
  });
});

// RB-06 across processes needs a database server whose grants can be taken away: MySQL/MariaDB only.
if (isMysqlRun) {
  describe('database outage (RB-06)', () => {
    jest.setTimeout(SPAWNING_TEST_TIMEOUT_MS);
    let database: TestDatabase;
    let control: INestApplicationContext;
    let instance: TollgateProcess;
    let serverUrl: URL;
    let user: string;
    let auth: string;
    let databaseName: string;

    beforeAll(async () => {
      database = await createTestDatabase();
      serverUrl = new URL(database.url);
      databaseName = serverUrl.pathname.slice(1);
      user = `tg_${randomBytes(4).toString('hex')}`;
      const password = randomBytes(12).toString('hex');
      await admin(serverUrl, `CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
      await admin(serverUrl, `GRANT ALL PRIVILEGES ON \`${databaseName}\`.* TO '${user}'@'%'`);
      const appUrl = new URL(database.url);
      appUrl.username = user;
      appUrl.password = password;

      control = await openControl(database.url);
      const client = await createClient(control, {
        name: 'Outage client',
        grantTypes: ['client_credentials'],
        scope: 'profile',
      });
      auth = basicOf(client);
      instance = await startServer('A', {
        DATABASE_URL: appUrl.toString(),
        ISSUER: 'http://127.0.0.1:9',
        RATE_LIMIT_ENABLED: 'false',
        DB_CONNECT_TIMEOUT_MS: '2000',
      });
    });

    afterAll(async () => {
      await instance?.stop();
      await control?.close();
      await admin(serverUrl, `DROP USER IF EXISTS '${user}'@'%'`).catch(() => undefined);
      await database?.drop();
    });

    const issue = () =>
      fetchForm(`${instance.baseUrl}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: auth });

    it('answers 503 with Retry-After while the database refuses us, never a 200, and recovers without a restart', async () => {
      expect((await issue()).status).toBe(200);
      const tokensBefore = await admin(serverUrl, `SELECT COUNT(*) AS n FROM \`${databaseName}\`.access_tokens`);

      await admin(serverUrl, `REVOKE ALL PRIVILEGES, GRANT OPTION FROM '${user}'@'%'`);
      const sessions = (await admin(serverUrl, 'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?', [
        user,
      ])) as Array<{ id: number }>;
      for (const { id } of sessions) await admin(serverUrl, `KILL ${Number(id)}`).catch(() => undefined);

      const during = await Promise.all(Array.from({ length: 20 }, () => issue()));
      for (const response of during) {
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        expect(response.body.error).toBe('temporarily_unavailable');
        expect(JSON.stringify(response.body)).not.toMatch(/denied|SQL|ER_|tg_/i);
      }
      const health = await fetch(`${instance.baseUrl}/health`);
      expect(health.status).toBe(503);

      await admin(serverUrl, `GRANT ALL PRIVILEGES ON \`${databaseName}\`.* TO '${user}'@'%'`);
      await waitUntil(async () => (await issue()).status === 200, {
        what: 'tokens are issued again',
        intervalMs: 250,
      });
      expect((await fetch(`${instance.baseUrl}/health`)).status).toBe(200);
      // Nothing was issued while nothing could be stored.
      const tokensAfter = (await admin(
        serverUrl,
        `SELECT COUNT(*) AS n FROM \`${databaseName}\`.access_tokens`,
      )) as Array<{
        n: number;
      }>;
      expect(Number(tokensAfter[0].n)).toBe(Number((tokensBefore as Array<{ n: number }>)[0].n) + 1);
    });
  });

  describe('database that stops answering (a network black hole)', () => {
    let database: TestDatabase;
    let proxy: TcpProxy;
    let t: TestApp;
    let issue: () => ReturnType<typeof tokenRequest>;

    beforeAll(async () => {
      database = await createTestDatabase();
      const direct = new URL(database.url);
      proxy = await startTcpProxy(direct.hostname, Number(direct.port || 3306));
      const proxied = new URL(database.url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(proxy.port);
      t = await createTestApp({
        database: { url: proxied.toString(), drop: async () => undefined },
        env: {
          DB_POOL_SIZE: '2',
          DB_QUERY_TIMEOUT_MS: '1500',
          DB_ACQUIRE_TIMEOUT_MS: '1500',
          DB_CONNECT_TIMEOUT_MS: '1500',
        },
      });
      const client = await createClient(t, { grantTypes: ['client_credentials'], scope: 'profile' });
      issue = () => tokenRequest(t, { grant_type: 'client_credentials' }, basicOf(client));
    });

    afterAll(async () => {
      proxy?.restore();
      await t?.close();
      await proxy?.close();
      await database?.drop();
    });

    it('answers 503 temporarily_unavailable within seconds, more requests than connections included, then recovers', async () => {
      expect((await issue()).status).toBe(200);
      proxy.blackhole();
      const started = Date.now();
      const during = await Promise.all(Array.from({ length: 6 }, () => issue()));
      const elapsedMs = Date.now() - started;
      for (const response of during) {
        expect(response.status).toBe(503);
        expect(response.body.error).toBe('temporarily_unavailable');
        expect(response.headers['retry-after']).toMatch(/^\d+$/);
      }
      // Query, acquire and connect limits of 1.5 s each: far below TCP's minutes, whatever the queueing.
      expect(elapsedMs).toBeLessThan(15_000);
      proxy.restore();
      await waitUntil(async () => (await issue()).status === 200, { what: 'tokens are issued again', intervalMs: 250 });
    });
  });
}
