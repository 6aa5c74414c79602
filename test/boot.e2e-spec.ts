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
    // The banner comes after the line that says the server listens, not before it.
    expect(result.stdout.indexOf('Demo data created')).toBeGreaterThan(result.stdout.indexOf('Tollgate listening on'));
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

describe('start-up output', () => {
  /** The JSON log lines of some output (the listening line and the demo banner are plain text). */
  function jsonLines(text: string): Array<Record<string, unknown>> {
    return text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it('logs a handful of lines at info: route mapping and module loading are debug', async () => {
    const server = await startServer('info', {
      NODE_ENV: 'development',
      DATABASE_URL: 'sqlite::memory:',
      LOG_LEVEL: 'info',
    });
    const result = await server.stop();
    const beforeListening = result.stdout.slice(0, result.stdout.indexOf('Tollgate listening on'));
    expect(beforeListening).not.toMatch(/Mapped \{|dependencies initialized|successfully started/);
    expect(jsonLines(beforeListening).length).toBeLessThanOrEqual(5);
    expect(result.stdout).toMatch(/Demo data created/);
  });

  it('reports a port in use in one line, exit 1, without claiming to have started', async () => {
    const first = await startServer('first', { DATABASE_URL: 'sqlite::memory:' });
    try {
      const port = new URL(first.baseUrl).port;
      // At debug, Nest's start-up lines are there (route mapping), so their absence below is no accident.
      const second = await spawnTollgate('main', {
        name: 'second',
        env: {
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          PORT: port,
          DATABASE_URL: 'sqlite::memory:',
          LOG_LEVEL: 'debug',
        },
      }).exited();
      expect(second.code).toBe(1);
      expect(second.stdout).toMatch(/Mapped \{/);
      expect(`${second.stdout}${second.stderr}`).not.toMatch(/successfully started|listening on/);
      const failure = second.stderr.trim().split('\n');
      expect(failure).toHaveLength(1);
      expect(JSON.parse(failure[0])).toMatchObject({ level: 60, msg: expect.stringMatching(/EADDRINUSE/) });
      expect(second.stdout).not.toMatch(/EADDRINUSE/);
    } finally {
      await first.stop();
    }
  });

  it('names an unreachable database and the cause in one JSON line, with no stack and no colours', async () => {
    const result = await spawnTollgate('main', {
      env: { NODE_ENV: 'production', PORT: '0', DATABASE_URL: 'mysql://root@127.0.0.1:1/tollgate', LOG_LEVEL: 'info' },
    }).exited();
    expect(result.code).toBe(1);
    const output = `${result.stdout}${result.stderr}`;
    expect(output).not.toContain('\u001b[');
    expect(output).not.toMatch(/^\s+at /m);
    const failure = result.stderr.trim().split('\n');
    expect(failure).toHaveLength(1);
    expect(JSON.parse(failure[0])).toMatchObject({
      level: 60,
      msg: expect.stringMatching(
        /^Tollgate failed to start: cannot open the database at 127\.0\.0\.1:1\/tollgate: .*ECONNREFUSED/,
      ),
    });
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
