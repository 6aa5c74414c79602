import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp } from './utils/app';
import { ProcessResult, spawnTollgate, SPAWNING_TEST_TIMEOUT_MS, startServer } from './utils/process';

jest.setTimeout(SPAWNING_TEST_TIMEOUT_MS);

/** Nest closes the app on SIGTERM, then re-raises the signal: the process ends by SIGTERM, with nothing on stderr. */
function expectCleanStop(result: ProcessResult): void {
  expect({ code: result.code, signal: result.signal }).toEqual({ code: null, signal: 'SIGTERM' });
  expect(result.stderr).not.toMatch(/error/i);
}

describe('boot', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'tollgate-boot-'));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('stops with exit 1 and names every bad variable', async () => {
    const result = await spawnTollgate('main', {
      env: { ACCESS_TOKEN_TTL_SECONDS: 'banana', ALLOW_PASSWORD_GRANT: 'perhaps', ISSUER: 'http://auth.example.com' },
    }).exited();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ACCESS_TOKEN_TTL_SECONDS/);
    expect(result.stderr).toMatch(/ALLOW_PASSWORD_GRANT/);
    expect(result.stderr).toMatch(/ISSUER must use https/);
    expect(result.stdout).not.toMatch(/listening/);
  });

  it('seeds a demo user and client outside production, prints how to try them, and stops cleanly on SIGTERM', async () => {
    const file = join(directory, 'dev.sqlite');
    const env = { NODE_ENV: 'development', DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent' };
    const result = await (await startServer('dev', env)).stop();
    expectCleanStop(result);
    expect(result.stdout).toMatch(/user: +demo \/ \S+/);
    expect(result.stdout).toMatch(/client_secret: +\S{43}/);
    expect(result.stdout).toMatch(/grant_type=client_credentials/);

    const dataSource = await new DataSource({ type: 'better-sqlite3', database: file }).initialize();
    try {
      expect(await dataSource.query('SELECT username FROM users')).toEqual([{ username: 'demo' }]);
      expect(await dataSource.query('SELECT name FROM oauth_clients')).toEqual([{ name: 'Demo client' }]);
    } finally {
      await dataSource.destroy();
    }

    // A second boot finds data and seeds nothing more.
    const again = await (await startServer('dev again', env)).stop();
    expectCleanStop(again);
    expect(again.stdout).not.toMatch(/Demo data created/);
  });

  it('seeds nothing in production', async () => {
    const file = join(directory, 'prod.sqlite');
    const result = await (await startServer('prod', { DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'warn' })).stop();
    expectCleanStop(result);
    expect(result.stdout).not.toMatch(/Demo data created/);
    // Production without KEY_ENCRYPTION_SECRET boots, with one warning that says why it matters.
    const warnings = result.stdout.split('\n').filter((line) => line.includes('KEY_ENCRYPTION_SECRET'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0])).toMatchObject({ level: 40, msg: expect.stringMatching(/unencrypted/) });
    const dataSource = await new DataSource({ type: 'better-sqlite3', database: file }).initialize();
    try {
      expect(await dataSource.query('SELECT COUNT(*) AS n FROM users')).toEqual([{ n: 0 }]);
      expect(await dataSource.query('SELECT COUNT(*) AS n FROM oauth_clients')).toEqual([{ n: 0 }]);
    } finally {
      await dataSource.destroy();
    }
  });
});

describe('logs', () => {
  it('are JSON lines that never contain credentials', async () => {
    const t = await createTestApp();
    try {
      await request(t.server)
        .get('/health?code=SECRET-CODE-1&access_token=SECRET-AT-2&state=SECRET-STATE-3&client_id=visible-client')
        .set('Authorization', 'Bearer SECRET-BEARER-4')
        .set('Cookie', 'tollgate_session=SECRET-COOKIE-5');
      await request(t.server)
        .post('/no-such-route')
        .type('form')
        .send({ client_secret: 'SECRET-BODY-6', password: 'SECRET-PASSWORD-7' });
      const text = t.logs.join('');
      const lines = text.trim().split('\n');
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      expect(text).toContain('visible-client');
      expect(text).toContain('/health?code=[redacted]');
      expect(text).not.toMatch(/SECRET-/);
    } finally {
      await t.close();
    }
  });
});
