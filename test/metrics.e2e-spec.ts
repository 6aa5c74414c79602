/**
 * Prometheus metrics on their own listener: scraped after real traffic and parsed strictly; routes
 * are labelled by template, never by raw path; the listener binds to loopback by default (R2-22).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadEnvironment } from '../src/config/env.validation';
import { MetricsServer } from '../src/metrics/metrics-server';
import { createTestApp, TestApp } from './utils/app';
import { createTestDatabase, isMysqlRun } from './utils/database';
import { SPAWNING_TEST_TIMEOUT_MS, startServer } from './utils/process';
import { waitUntil } from './utils/wait';
import { createClient, createUser, TestClient, TestUser } from './utils/fixtures';
import { basic, basicOf, obtainTokens, refresh, tokenRequest } from './utils/oauth';
import { freePort, httpGet, parseExposition, samplesOf, Scrape, valueOf } from './utils/prometheus';

describe('metrics', () => {
  let t: TestApp;
  let metricsUrl: string;
  let client: TestClient;
  let user: TestUser;

  async function scrape(url = metricsUrl): Promise<Scrape> {
    const res = await httpGet(url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8$/);
    return parseExposition(res.body);
  }

  beforeAll(async () => {
    const port = await freePort();
    t = await createTestApp({
      env: {
        METRICS_PORT: String(port),
        ALLOW_PASSWORD_GRANT: 'true',
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_MINUTE: '2',
      },
    });
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    client = await createClient(t, {
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'password'],
    });
    user = await createUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it('defaults to 127.0.0.1:9464, and binds to loopback unless METRICS_HOST says otherwise (R2-22)', async () => {
    const saved = { ...process.env };
    try {
      delete process.env.METRICS_HOST;
      delete process.env.METRICS_PORT;
      const env = loadEnvironment();
      expect({ host: env.METRICS_HOST, port: env.METRICS_PORT }).toEqual({ host: '127.0.0.1', port: 9464 });
    } finally {
      process.env = saved;
    }
    expect(t.get(MetricsServer).address?.address).toBe('127.0.0.1');
    // Not reachable on any other interface of the machine.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((entry) => entry && entry.family === 'IPv4' && !entry.internal);
    if (external) {
      const port = t.get(MetricsServer).address?.port as number;
      await expect(httpGet(`http://${external.address}:${port}/metrics`)).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
    }
  });

  it('is served on its own listener only: the public port has no /metrics', async () => {
    expect((await request(t.server).get('/metrics')).status).toBe(404);
    expect((await httpGet(metricsUrl.replace('/metrics', '/'))).status).toBe(404);
    expect((await httpGet(metricsUrl, 'POST')).status).toBe(405);
    expect((await httpGet(metricsUrl, 'HEAD')).status).toBe(200);
  });

  it('counts requests by route template, method and status, and times them', async () => {
    const before = await scrape();
    const { access_token: accessToken } = await obtainTokens(t, client, user.id, 'notes:read notes:write');
    const created = await request(t.server)
      .post('/api/notes')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({ title: 'metrics' });
    expect(created.status).toBe(201);
    for (let i = 0; i < 3; i += 1) {
      const res = await request(t.server)
        .get(`/api/notes/${created.body.id}`)
        .set('Authorization', `Bearer ${accessToken}`);
      expect(res.status).toBe(200);
    }
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(
      (await request(t.server).get(`/api/notes/${missing}`).set('Authorization', `Bearer ${accessToken}`)).status,
    ).toBe(404);
    expect((await request(t.server).get('/no/such/page/8d3f1c')).status).toBe(404);

    const metrics = await scrape();
    expect(metrics.types.get('tollgate_http_requests_total')).toBe('counter');
    expect(metrics.types.get('tollgate_http_request_duration_seconds')).toBe('histogram');
    const note = { route: '/api/notes/:id', method: 'GET' };
    expect(valueOf(metrics, 'tollgate_http_requests_total', { ...note, status_code: '200' })).toBe(3);
    expect(valueOf(metrics, 'tollgate_http_requests_total', { ...note, status_code: '404' })).toBe(1);
    expect(valueOf(metrics, 'tollgate_http_request_duration_seconds_count', { ...note, status_code: '200' })).toBe(3);
    const buckets = samplesOf(metrics, 'tollgate_http_request_duration_seconds_bucket', {
      ...note,
      status_code: '200',
    });
    expect(buckets.find((bucket) => bucket.labels.le === '+Inf')?.value).toBe(3);
    expect(valueOf(metrics, 'tollgate_http_requests_total', { route: '/oauth/token', method: 'POST' })).toBeGreaterThan(
      0,
    );
    const unmatched = { route: '(unmatched)', method: 'GET', status_code: '404' };
    expect(
      valueOf(metrics, 'tollgate_http_requests_total', unmatched) -
        valueOf(before, 'tollgate_http_requests_total', unmatched),
    ).toBe(1);
    // Never a raw path: no note id, no unmatched path, nothing but templates.
    const routes = new Set(samplesOf(metrics, 'tollgate_http_requests_total').map((sample) => sample.labels.route));
    for (const route of routes) {
      expect(route).not.toContain(created.body.id);
      expect(route).not.toContain(missing);
      expect(route).not.toContain('8d3f1c');
    }
    expect(routes).toContain('/api/notes');
  });

  it('counts tokens by grant type', async () => {
    const before = await scrape();
    const issued = (grant: string, scrape: Scrape) =>
      valueOf(scrape, 'tollgate_tokens_issued_total', { grant_type: grant });
    for (let i = 0; i < 2; i += 1) {
      expect((await tokenRequest(t, { grant_type: 'client_credentials' }, basicOf(client))).status).toBe(200);
    }
    const tokens = await obtainTokens(t, client, user.id);
    expect((await refresh(t, client, tokens.refresh_token)).status).toBe(200);
    const password = await tokenRequest(
      t,
      { grant_type: 'password', username: user.username, password: user.password, scope: 'profile' },
      basicOf(client),
    );
    expect(password.status).toBe(200);

    const after = await scrape();
    expect(after.types.get('tollgate_tokens_issued_total')).toBe('counter');
    expect(issued('client_credentials', after) - issued('client_credentials', before)).toBe(2);
    expect(issued('authorization_code', after) - issued('authorization_code', before)).toBe(1);
    expect(issued('refresh_token', after) - issued('refresh_token', before)).toBe(1);
    expect(issued('password', after) - issued('password', before)).toBe(1);
  });

  it('counts client-authentication failures by method and reason, sign-in failures, and rate-limit refusals', async () => {
    const signIn = await tokenRequest(
      t,
      { grant_type: 'password', username: user.username, password: 'wrong password', scope: 'profile' },
      basicOf(client),
    );
    expect(signIn.body.error).toBe('invalid_grant');
    const wrong = basic(client.clientId, 'not-the-secret');
    expect((await tokenRequest(t, { grant_type: 'client_credentials' }, basic('no-such-client', 'x'))).status).toBe(
      401,
    );
    expect((await tokenRequest(t, { grant_type: 'client_credentials' }, wrong)).status).toBe(401);
    expect((await tokenRequest(t, { grant_type: 'client_credentials' }, wrong)).status).toBe(401);
    // The budget of RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_MINUTE=2 for this client and address is spent.
    expect((await tokenRequest(t, { grant_type: 'client_credentials' }, wrong)).status).toBe(429);

    const metrics = await scrape();
    const failures = (reason: string) =>
      valueOf(metrics, 'tollgate_client_auth_failures_total', { method: 'client_secret_basic', reason });
    expect(failures('unknown_client')).toBe(1);
    expect(failures('bad_credentials')).toBe(2);
    expect(valueOf(metrics, 'tollgate_sign_in_failures_total', { reason: 'wrong_credentials' })).toBe(1);
    expect(valueOf(metrics, 'tollgate_rate_limit_refusals_total', { limiter: 'client-auth' })).toBe(1);
  });

  it('exposes Node.js defaults and, on MySQL/MariaDB, the connection pool', async () => {
    const metrics = await scrape();
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes']) {
      expect({ name, present: samplesOf(metrics, name).length > 0 }).toEqual({ name, present: true });
    }
    if (isMysqlRun) {
      expect(valueOf(metrics, 'tollgate_db_pool_connections_max')).toBe(10);
      expect(samplesOf(metrics, 'tollgate_db_pool_connections_in_use')).toHaveLength(1);
      expect(samplesOf(metrics, 'tollgate_db_pool_requests_waiting')).toHaveLength(1);
    } else {
      // SQLite has one connection and no pool: no gauge pretends otherwise.
      expect(metrics.samples.filter((sample) => sample.name.startsWith('tollgate_db_pool_'))).toEqual([]);
    }
  });

  it('is what deploy/grafana-dashboard.json queries: every metric name there exists', async () => {
    const dashboard = JSON.parse(readFileSync(join(__dirname, '..', 'deploy', 'grafana-dashboard.json'), 'utf8')) as {
      panels: Array<{ type: string; targets?: Array<{ expr: string }> }>;
    };
    const exprs = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
    const names = new Set(exprs.flatMap((expr) => expr.match(/\b(?:tollgate|process|nodejs)_[a-z0-9_]+/g) ?? []));
    expect(names.size).toBeGreaterThan(10);
    const metrics = await scrape();
    for (const name of names) {
      const family = name.replace(/_(bucket|count|sum)$/, '');
      // Pool gauges exist on MySQL/MariaDB only (checked there by the test above).
      if (!isMysqlRun && family.startsWith('tollgate_db_pool_')) continue;
      expect({ name, exists: metrics.types.has(family) }).toEqual({ name, exists: true });
    }
  });

  it('keeps each app’s numbers apart and closes the listener with the app', async () => {
    const port = await freePort();
    const second = await createTestApp({ env: { METRICS_PORT: String(port) } });
    const url = `http://127.0.0.1:${port}/metrics`;
    try {
      const metrics = await scrape(url);
      expect(valueOf(metrics, 'tollgate_tokens_issued_total')).toBe(0);
      expect(valueOf(await scrape(), 'tollgate_tokens_issued_total')).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
    await expect(httpGet(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it(
    'starts with the server process, says where, and stops with it on SIGTERM',
    async () => {
      const port = await freePort();
      const directory = mkdtempSync(join(tmpdir(), 'tollgate-metrics-'));
      const database = isMysqlRun ? await createTestDatabase() : undefined;
      const server = await startServer('metrics', {
        DATABASE_URL: database?.url ?? `sqlite:${join(directory, 'm.sqlite')}`,
        METRICS_PORT: String(port),
      });
      try {
        await waitUntil(() => server.output().includes(`Metrics at http://127.0.0.1:${port}/metrics\n`), {
          what: 'the server prints where its metrics are',
        });
        const res = await httpGet(`${server.baseUrl}/health`);
        expect(res.status).toBe(200);
        const metrics = await scrape(`http://127.0.0.1:${port}/metrics`);
        expect(valueOf(metrics, 'tollgate_http_requests_total', { route: '/health' })).toBe(1);
      } finally {
        const result = await server.stop();
        expect({ code: result.code, signal: result.signal }).toEqual({ code: null, signal: 'SIGTERM' });
        rmSync(directory, { recursive: true, force: true });
        await database?.drop();
      }
      await expect(httpGet(`http://127.0.0.1:${port}/metrics`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    },
    SPAWNING_TEST_TIMEOUT_MS,
  );

  it('starts no listener when METRICS_PORT is 0 (the test default)', async () => {
    const off = await createTestApp();
    try {
      expect(off.get(MetricsServer).address).toBeUndefined();
    } finally {
      await off.close();
    }
  });
});
