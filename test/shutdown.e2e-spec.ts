import type { INestApplicationContext } from '@nestjs/common';
import { ClientsService } from '../src/clients/clients.service';
import { AccessTokenStore } from '../src/tokens/access-token-store.service';
import { openControl, postForm, startInstance } from './utils/cluster';
import { createSharedTestDatabase, TestDatabase } from './utils/database';

function jtiOf(jwt: string): string {
  return (JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as { jti: string }).jti;
}

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
    const { client, clientSecret } = await control.get(ClientsService).create({
      name: 'Shutdown client',
      grantTypes: ['client_credentials'],
      scope: 'profile',
    });
    const instance = await startInstance('A', {
      DATABASE_URL: database.url,
      ISSUER: 'http://127.0.0.1:9',
      RATE_LIMIT_ENABLED: 'false',
    });
    const authorization = `Basic ${Buffer.from(`${client.clientId}:${clientSecret}`).toString('base64')}`;
    type Result = { status: number; body?: Record<string, unknown> };
    const results: Result[] = [];
    let isStopping = false;
    // Four clients keep requests in flight; SIGTERM lands while some are being served.
    const worker = async () => {
      for (let i = 0; i < 500; i += 1) {
        const result: Result = await postForm(
          `${instance.baseUrl}/oauth/token`,
          { grant_type: 'client_credentials' },
          { authorization },
        ).catch(() => ({ status: 0 }));
        results.push(result);
        if (isStopping && result.status !== 200) return;
      }
    };
    const workers = Array.from({ length: 4 }, () => worker());
    await new Promise((resolve) => setTimeout(resolve, 300));
    isStopping = true;
    const stopStarted = Date.now();
    const exit = await instance.stop('SIGTERM');
    // Open keep-alive connections must not hold the process for the keep-alive timeout (72 s).
    expect(Date.now() - stopStarted).toBeLessThan(10_000);
    await Promise.all(workers);

    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(instance.output()).not.toMatch(/"level":(50|60)/);
    const issued = results.filter((r) => r.status === 200);
    for (const result of results) expect([0, 200, 503]).toContain(result.status);
    expect(issued.length).toBeGreaterThan(0);
    const tokens = control.get(AccessTokenStore);
    for (const response of issued) {
      expect(await tokens.findRecord(jtiOf(response.body?.access_token as string))).not.toBeNull();
    }
  }, 60000);
});
