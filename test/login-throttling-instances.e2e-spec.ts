import type { INestApplicationContext } from '@nestjs/common';
import { openControl } from './utils/cluster';
import { createSharedTestDatabase, TestDatabase } from './utils/database';
import { createUser } from './utils/fixtures';
import { SPAWNING_TEST_TIMEOUT_MS, startServer, TollgateProcess } from './utils/process';

jest.setTimeout(SPAWNING_TEST_TIMEOUT_MS);

/** One failed sign-in through the real form: fetch the page (session cookie + CSRF), post a wrong password. */
async function failLogin(instance: TollgateProcess, username: string): Promise<number> {
  const page = await fetch(`${instance.baseUrl}/login`, { redirect: 'manual' });
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
  const html = await page.text();
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const response = await fetch(`${instance.baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ username, password: 'wrong password', csrf_token: csrf }).toString(),
  });
  await response.text();
  return response.status;
}

describe('login throttling across two processes (RB-09)', () => {
  let database: TestDatabase;
  let control: INestApplicationContext;
  let a: TollgateProcess;
  let b: TollgateProcess;

  beforeAll(async () => {
    database = await createSharedTestDatabase();
    control = await openControl(database.url);
    await createUser(control, { username: 'shared-victim' });
    const env = {
      DATABASE_URL: database.url,
      ISSUER: 'http://127.0.0.1:9',
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_LOGIN_FAILURES_PER_15_MINUTES: '4',
    };
    [a, b] = await Promise.all([startServer('A', env), startServer('B', env)]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await control?.close();
    await database?.drop();
  });

  it('counts failed logins for one username on both instances against one budget', async () => {
    for (let i = 0; i < 3; i += 1) expect(await failLogin(a, 'shared-victim')).toBe(400);
    // B's first failure is the fourth overall: B learns the shared count and blocks from now on.
    expect(await failLogin(b, 'shared-victim')).toBe(400);
    expect(await failLogin(b, 'shared-victim')).toBe(429);
    // A learns it with its next failure at the latest (limit + instances - 1 in all).
    const next = await failLogin(a, 'shared-victim');
    expect([400, 429]).toContain(next);
    expect(await failLogin(a, 'shared-victim')).toBe(429);
  });
});
