import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { AttemptLimiter } from '../src/common/throttling/attempt-limiter.service';
import { RequestRateLimiter } from '../src/common/throttling/request-rate-limiter.service';
import { RateLimitStore } from '../src/common/throttling/rate-limit.store';
import { RedisRateLimitStore } from '../src/common/throttling/redis-rate-limit.store';
import { createTestApp, TestApp } from './utils/app';
import { createSharedTestDatabase, TestDatabase } from './utils/database';
import { createClient } from './utils/fixtures';
import { basicOf } from './utils/oauth';
import { waitUntil } from './utils/wait';

describe('shared rate limits', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createSharedTestDatabase();
    a = await createTestApp({ database });
    b = await createTestApp({ database });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await database.drop();
  });

  it('counts failures recorded on two instances in one shared window', async () => {
    const key = `login:user:shared-${Date.now()}`;
    const limiterA = a.get(AttemptLimiter);
    const limiterB = b.get(AttemptLimiter);
    for (let i = 0; i < 3; i += 1) await limiterA.recordFailure(key, 60);
    expect(limiterB.check(key, 5).isBlocked).toBe(false);
    await limiterB.recordFailure(key, 60);
    await limiterB.recordFailure(key, 60);
    // B has seen the shared count (5): blocked without any failure of its own beyond those.
    expect(limiterB.check(key, 5)).toEqual({ isBlocked: true, retryAfterSeconds: expect.any(Number) });
    expect(limiterB.check(key, 5).retryAfterSeconds).toBeLessThanOrEqual(60);
    // A learns it on its next failure.
    expect(limiterA.check(key, 5).isBlocked).toBe(false);
    await limiterA.recordFailure(key, 60);
    expect(limiterA.check(key, 5).isBlocked).toBe(true);
  });

  it('starts a new window once the old one has ended', async () => {
    const store = a.get(RateLimitStore);
    const key = `client-auth:client:window-${Date.now()}`;
    const start = Date.now();
    expect((await store.increment(key, 60, start)).hits).toBe(1);
    expect((await store.increment(key, 60, start + 1000)).hits).toBe(2);
    const fresh = await store.increment(key, 60, start + 61_000);
    expect(fresh).toEqual({ hits: 1, windowEndsMs: start + 121_000 });
  });

  it('reset clears a key everywhere', async () => {
    const key = `login:user:reset-${Date.now()}`;
    const limiterA = a.get(AttemptLimiter);
    for (let i = 0; i < 5; i += 1) await limiterA.recordFailure(key, 60);
    expect(limiterA.check(key, 5).isBlocked).toBe(true);
    await limiterA.reset(key);
    expect(limiterA.check(key, 5).isBlocked).toBe(false);
    await b.get(AttemptLimiter).recordFailure(key, 60);
    expect(b.get(AttemptLimiter).check(key, 2).isBlocked).toBe(false);
  });

  it('deletes ended windows in bounded batches', async () => {
    const store = a.get(RateLimitStore);
    const past = Date.now() - 120_000;
    for (let i = 0; i < 5; i += 1) await store.increment(`old-${i}-${past}`, 1, past);
    await store.increment(`live-${past}`, 600, Date.now());
    expect(await store.deleteEnded(Date.now(), 3)).toBe(3);
    expect(await store.deleteEnded(Date.now(), 100)).toBeGreaterThanOrEqual(2);
    const live: unknown[] = await a.dataSource.query('SELECT limit_key FROM rate_limits WHERE limit_key = ?', [
      `live-${past}`,
    ]);
    expect(live).toHaveLength(1);
  });
});

describe('request rate limits at the token and introspection endpoints', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let authorization: string;

  beforeAll(async () => {
    database = await createSharedTestDatabase();
    const env = {
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_TOKEN_PER_MINUTE: '6',
      RATE_LIMIT_INTROSPECTION_MISSES_PER_MINUTE: '3',
    };
    a = await createTestApp({ database, env });
    b = await createTestApp({ database, env });
    const client = await createClient(a, { name: 'Busy client', grantTypes: ['client_credentials'], scope: 'profile' });
    authorization = basicOf(client);
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await database.drop();
  });

  const issue = (t: TestApp) =>
    request(t.server)
      .post('/oauth/token')
      .set('authorization', authorization)
      .type('form')
      .send({ grant_type: 'client_credentials' });

  it('limits token requests per client across instances, with 429 and Retry-After', async () => {
    for (let i = 0; i < 3; i += 1) expect((await issue(a)).status).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await issue(b)).status).toBe(200);
    // Each instance reports its hits and learns the shared total on its next flush (every second).
    await a.get(RequestRateLimiter).flush();
    await b.get(RequestRateLimiter).flush();
    await a.get(RequestRateLimiter).flush();
    for (const t of [a, b]) {
      const limited = await issue(t);
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);
      expect(limited.headers['cache-control']).toBe('no-store');
      expect(limited.body.error).toBe('temporarily_unavailable');
    }
  });

  it('limits introspection of inactive tokens (token scanning) per client', async () => {
    const introspect = (token: string) =>
      request(a.server).post('/oauth/introspect').set('authorization', authorization).type('form').send({ token });
    for (let i = 0; i < 3; i += 1) expect((await introspect(`guess-${i}`)).body).toEqual({ active: false });
    await a.get(AttemptLimiter).flush();
    const limited = await introspect('guess-4');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
  });
});

describe('shared rate limits with Redis as the store (RATE_LIMIT_STORE=redis)', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  const env = { RATE_LIMIT_STORE: 'redis', REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' };

  beforeAll(async () => {
    database = await createSharedTestDatabase();
    a = await createTestApp({ database, env });
    b = await createTestApp({ database, env });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await database.drop();
  });

  it('uses Redis, not the database', async () => {
    expect(a.get(RateLimitStore)).toBeInstanceOf(RedisRateLimitStore);
    const key = `login:user:redis-only-${randomUUID()}`;
    await a.get(AttemptLimiter).recordFailure(key, 60);
    const rows: unknown[] = await a.dataSource.query('SELECT limit_key FROM rate_limits WHERE limit_key = ?', [key]);
    expect(rows).toEqual([]);
  });

  it('counts failures recorded on two instances in one shared window', async () => {
    const key = `login:user:redis-${randomUUID()}`;
    for (let i = 0; i < 3; i += 1) await a.get(AttemptLimiter).recordFailure(key, 60);
    await b.get(AttemptLimiter).recordFailure(key, 60);
    await b.get(AttemptLimiter).recordFailure(key, 60);
    expect(b.get(AttemptLimiter).check(key, 5)).toEqual({ isBlocked: true, retryAfterSeconds: expect.any(Number) });
    await a.get(AttemptLimiter).reset(key);
    await a.get(AttemptLimiter).recordFailure(key, 60);
    expect(a.get(AttemptLimiter).check(key, 2).isBlocked).toBe(false);
  });

  it('adds batches of hits atomically and expires the window', async () => {
    const store = a.get(RateLimitStore);
    const key = `token:client:redis-${randomUUID()}`;
    const now = Date.now();
    expect((await store.increment(key, 1, now, 3)).hits).toBe(3);
    const second = await store.increment(key, 1, now, 2);
    expect(second.hits).toBe(5);
    expect(second.windowEndsMs).toBeGreaterThan(now);
    expect(second.windowEndsMs).toBeLessThanOrEqual(now + 1000);
    // Adding no hits reads the count without touching the expiry: it drops to 0 once Redis expired the window.
    await waitUntil(async () => (await store.increment(key, 1, Date.now(), 0)).hits === 0, {
      what: 'Redis expires the one-second window',
    });
    expect((await store.increment(key, 1, Date.now(), 1)).hits).toBe(1);
  });
});

describe('per-address request budget (@nestjs/throttler)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_REQUESTS_PER_MINUTE_PER_ADDRESS: '3' } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers 429 with Retry-After once an address spends its budget on the credential endpoints', async () => {
    for (let i = 0; i < 3; i += 1) {
      const res = await request(t.server).post('/oauth/token').type('form').send({ grant_type: 'client_credentials' });
      expect(res.status).toBe(401);
    }
    const limited = await request(t.server)
      .post('/oauth/token')
      .type('form')
      .send({ grant_type: 'client_credentials' });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.headers['content-type']).toMatch(/^application\/json/);
    // Other routes are not behind this budget.
    expect((await request(t.server).get('/health')).status).toBe(200);
  });
});
