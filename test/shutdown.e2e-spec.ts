import type { INestApplicationContext } from '@nestjs/common';
import { AccessTokenStore } from '../src/tokens/access-token-store.service';
import { fetchForm, openControl } from './utils/cluster';
import { createSharedTestDatabase, TestDatabase } from './utils/database';
import { createClient } from './utils/fixtures';
import { decodeJwt } from './utils/jwt';
import { basicOf } from './utils/oauth';
import { SPAWNING_TEST_TIMEOUT_MS, startServer } from './utils/process';
import { waitUntil } from './utils/wait';

jest.setTimeout(SPAWNING_TEST_TIMEOUT_MS);

describe('graceful shutdown (RB-13)', () => {
  let database: TestDatabase;
  let control: INestApplicationContext;

  beforeAll(async () => {
    database = await createSharedTestDatabase();
    control = await openControl(database.url);
  });

  afterAll(async () => {
    await control.close();
    await database.drop();
  });

  it('finishes or cleanly refuses in-flight token requests on SIGTERM; every token it returned is stored', async () => {
    const client = await createClient(control, {
      name: 'Shutdown client',
      grantTypes: ['client_credentials'],
      scope: 'profile',
    });
    const instance = await startServer('A', {
      DATABASE_URL: database.url,
      ISSUER: 'http://127.0.0.1:9',
      RATE_LIMIT_ENABLED: 'false',
    });
    const authorization = basicOf(client);
    type Result = { status: number; body?: Record<string, unknown> };
    const results: Result[] = [];
    let isStopping = false;
    // Four clients keep requests in flight; SIGTERM lands while some are being served.
    const worker = async () => {
      for (let i = 0; i < 500; i += 1) {
        const result: Result = await fetchForm(
          `${instance.baseUrl}/oauth/token`,
          { grant_type: 'client_credentials' },
          { authorization },
        ).catch(() => ({ status: 0 }));
        results.push(result);
        if (isStopping && result.status !== 200) return;
      }
    };
    const workers = Array.from({ length: 4 }, () => worker());
    // SIGTERM once the server is busy serving them.
    await waitUntil(() => results.filter((r) => r.status === 200).length >= 8, { what: 'tokens are being issued' });
    isStopping = true;
    const stopStarted = Date.now();
    const exit = await instance.stop('SIGTERM');
    // Open keep-alive connections must not hold the process for the keep-alive timeout (72 s).
    expect(Date.now() - stopStarted).toBeLessThan(10_000);
    await Promise.all(workers);

    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: null, signal: 'SIGTERM' });
    expect(instance.output()).not.toMatch(/"level":(50|60)/);
    const issued = results.filter((r) => r.status === 200);
    for (const result of results) expect([0, 200, 503]).toContain(result.status);
    expect(issued.length).toBeGreaterThan(0);
    const tokens = control.get(AccessTokenStore);
    for (const response of issued) {
      const { jti } = decodeJwt<{ jti: string }>(response.body?.access_token as string).claims;
      expect(await tokens.findRecord(jti)).not.toBeNull();
    }
  });
});
