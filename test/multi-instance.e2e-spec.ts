import type { INestApplicationContext } from '@nestjs/common';
import { KeysService } from '../src/tokens/keys/keys.service';
import { fetchForm, openControl } from './utils/cluster';
import { createSharedTestDatabase, TestDatabase } from './utils/database';
import { answerDevice, waitedSinceLastPoll } from './utils/device';
import { createClient, createCode, createUser } from './utils/fixtures';
import { decodeJwt } from './utils/jwt';
import { basicOf } from './utils/oauth';
import { SPAWNING_TEST_TIMEOUT_MS, startServer, TollgateProcess } from './utils/process';
import { waitUntil } from './utils/wait';

const ISSUER = 'http://127.0.0.1:9';
const REDIRECT_URI = 'https://c1.example/cb';

jest.setTimeout(SPAWNING_TEST_TIMEOUT_MS);

function kidOf(jwt: string): unknown {
  return decodeJwt(jwt).header.kid;
}

describe('two instances on one database', () => {
  let database: TestDatabase;
  let control: INestApplicationContext;
  let a: TollgateProcess;
  let b: TollgateProcess;
  let clientId: string;
  let auth: string;
  let userId: string;
  const statuses: number[] = [];

  const env = () => ({
    DATABASE_URL: database.url,
    ISSUER,
    SIGNING_KEY_REFRESH_SECONDS: '1',
    RATE_LIMIT_ENABLED: 'false',
  });

  async function token(instance: TollgateProcess, form: Record<string, string>) {
    const response = await fetchForm(`${instance.baseUrl}/oauth/token`, form, { authorization: auth });
    statuses.push(response.status);
    return response;
  }

  async function me(instance: TollgateProcess, accessToken: string): Promise<number> {
    const response = await fetch(`${instance.baseUrl}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    statuses.push(response.status);
    return response.status;
  }

  async function introspect(instance: TollgateProcess, value: string): Promise<Record<string, unknown>> {
    const response = await fetchForm(`${instance.baseUrl}/oauth/introspect`, { token: value }, { authorization: auth });
    statuses.push(response.status);
    return response.body;
  }

  function newCode(): Promise<{ code: string; verifier: string }> {
    return createCode(control, { clientId, userId, redirectUri: REDIRECT_URI, scope: 'profile notes:read' });
  }

  async function pairFromCode(instance: TollgateProcess): Promise<{ access_token: string; refresh_token: string }> {
    const { code, verifier } = await newCode();
    const response = await token(instance, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
    });
    expect(response.status).toBe(200);
    return response.body as { access_token: string; refresh_token: string };
  }

  beforeAll(async () => {
    database = await createSharedTestDatabase();
    control = await openControl(database.url);
    const client = await createClient(control, {
      name: 'Cluster client',
      redirectUris: [REDIRECT_URI],
      scope: 'profile notes:read',
    });
    clientId = client.clientId;
    auth = basicOf(client);
    userId = (await createUser(control)).id;
    [a, b] = await Promise.all([startServer('A', env()), startServer('B', env())]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await control?.close();
    await database?.drop();
  });

  afterEach(() => {
    // No race, replay or restart may ever surface as a server error.
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
  });

  it('RB-01/02: 50 parallel redemptions of one code across both instances, 20 times: exactly one 200', async () => {
    for (let round = 0; round < 20; round += 1) {
      const { code, verifier } = await newCode();
      const form = { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI };
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => token(i % 2 ? a : b, form)));
      const winners = results.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      for (const loser of results.filter((r) => r.status !== 200)) {
        expect(loser.status).toBe(400);
        expect(loser.body.error).toBe('invalid_grant');
      }
      // RFC 6749 §4.1.2: the replays revoked what the winner got.
      const { access_token, refresh_token } = winners[0].body as { access_token: string; refresh_token: string };
      expect(await introspect(a, access_token)).toEqual({ active: false });
      expect(await introspect(b, refresh_token)).toEqual({ active: false });
    }
  });

  it('RB-03: 20 parallel refreshes of one refresh token: at most one success, then the family is dead', async () => {
    const pair = await pairFromCode(a);
    const form = { grant_type: 'refresh_token', refresh_token: pair.refresh_token };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => token(i % 2 ? a : b, form)));
    const winners = results.filter((r) => r.status === 200);
    expect(winners.length).toBeLessThanOrEqual(1);
    for (const loser of results.filter((r) => r.status !== 200)) expect(loser.body.error).toBe('invalid_grant');
    for (const winner of winners) {
      const next = winner.body as { access_token: string; refresh_token: string };
      expect(await me(b, next.access_token)).toBe(401);
      expect((await token(a, { grant_type: 'refresh_token', refresh_token: next.refresh_token })).status).toBe(400);
    }
    expect(await me(a, pair.access_token)).toBe(401);
  });

  it('RB-04: two rotations within one second, then a replay of the first: the whole family is revoked', async () => {
    const first = await pairFromCode(b);
    const second = (await token(a, { grant_type: 'refresh_token', refresh_token: first.refresh_token })).body;
    const third = (await token(b, { grant_type: 'refresh_token', refresh_token: second.refresh_token as string })).body;
    expect(third.refresh_token).toEqual(expect.any(String));
    const replay = await token(a, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(replay.body.error).toBe('invalid_grant');
    expect((await token(b, { grant_type: 'refresh_token', refresh_token: third.refresh_token as string })).status).toBe(
      400,
    );
    expect(await me(a, third.access_token as string)).toBe(401);
  });

  it('RB-05: revocation racing a refresh leaves nothing usable', async () => {
    for (let round = 0; round < 5; round += 1) {
      const pair = await pairFromCode(a);
      const [refreshed] = await Promise.all([
        token(b, { grant_type: 'refresh_token', refresh_token: pair.refresh_token }),
        fetchForm(`${a.baseUrl}/oauth/revoke`, { token: pair.refresh_token }, { authorization: auth }),
      ]);
      if (refreshed.status === 200) {
        const next = refreshed.body as { access_token: string; refresh_token: string };
        const refreshAgain = await token(a, { grant_type: 'refresh_token', refresh_token: next.refresh_token });
        const stillUsable = refreshAgain.status === 200 || (await me(b, next.access_token)) === 200;
        expect(stillUsable).toBe(false);
      }
      expect(await me(a, pair.access_token)).toBe(401);
    }
  });

  it('RB-09: a token from A works on B; a code used on A fails on B; a revocation on A is refused at once by B', async () => {
    const pair = await pairFromCode(a);
    expect(await me(b, pair.access_token)).toBe(200);

    const { code, verifier } = await newCode();
    const form = { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI };
    expect((await token(a, form)).status).toBe(200);
    expect((await token(b, form)).body.error).toBe('invalid_grant');

    const revoked = await fetchForm(`${a.baseUrl}/oauth/revoke`, { token: pair.access_token }, { authorization: auth });
    expect(revoked.status).toBe(200);
    expect(await me(b, pair.access_token)).toBe(401);
  });

  it('R2-15: slow_down holds across instances; 20 parallel polls of one approved device code give one 200', async () => {
    const grantType = 'urn:ietf:params:oauth:grant-type:device_code';
    const tv = await createClient(control, {
      name: 'Cluster TV',
      isPublic: true,
      redirectUris: [],
      grantTypes: [grantType],
    });
    const poll = async (instance: TollgateProcess, deviceCode: string) => {
      const response = await fetchForm(`${instance.baseUrl}/oauth/token`, {
        grant_type: grantType,
        device_code: deviceCode,
        client_id: tv.clientId,
      });
      statuses.push(response.status);
      return response;
    };
    for (let round = 0; round < 5; round += 1) {
      const started = await fetchForm(`${(round % 2 ? a : b).baseUrl}/oauth/device_authorization`, {
        client_id: tv.clientId,
      });
      expect(started.status).toBe(200);
      const { device_code: deviceCode, user_code: userCode } = started.body as Record<string, string>;
      // A poll on A, then one on B within the interval: B knows A's poll.
      expect((await poll(a, deviceCode)).body.error).toBe('authorization_pending');
      expect((await poll(b, deviceCode)).body.error).toBe('slow_down');

      await answerDevice(control, userCode, userId);
      await waitedSinceLastPoll(control, deviceCode, 3600);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => poll(i % 2 ? a : b, deviceCode)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      for (const loser of results.filter((r) => r.status !== 200)) {
        expect(loser.status).toBe(400);
        expect(['slow_down', 'invalid_grant']).toContain(loser.body.error);
      }
    }
  });

  it('RB-08/RB-10: after a key rotation and a restart of both, old and new tokens verify and used ones stay dead', async () => {
    const before = await pairFromCode(a);
    const oldKid = kidOf(before.access_token);
    const revokedPair = await pairFromCode(b);
    await fetchForm(`${b.baseUrl}/oauth/revoke`, { token: revokedPair.refresh_token }, { authorization: auth });
    const used = await newCode();
    const usedForm = {
      grant_type: 'authorization_code',
      code: used.code,
      code_verifier: used.verifier,
      redirect_uri: REDIRECT_URI,
    };
    expect((await token(a, usedForm)).status).toBe(200);
    const rotatedPair = await pairFromCode(a);
    const rotated = await token(b, { grant_type: 'refresh_token', refresh_token: rotatedPair.refresh_token });
    expect(rotated.status).toBe(200);
    const unredeemed = await newCode();

    const newKid = await control.get(KeysService).rotate();
    expect(newKid).not.toBe(oldKid);
    // Instances re-read keys every SIGNING_KEY_REFRESH_SECONDS (1 s here): B signs with the new key soon.
    await waitUntil(
      async () => {
        const after = await token(b, { grant_type: 'client_credentials', scope: 'profile' });
        expect(after.status).toBe(200);
        return kidOf(after.body.access_token as string) === newKid;
      },
      { what: 'instance B signs with the rotated key' },
    );

    await Promise.all([a.stop(), b.stop()]);
    [a, b] = await Promise.all([startServer('A', env()), startServer('B', env())]);

    const jwks = (await (await fetch(`${a.baseUrl}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((key) => key.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
    expect(await me(b, before.access_token)).toBe(200);
    expect((await token(a, { grant_type: 'refresh_token', refresh_token: before.refresh_token })).status).toBe(200);
    expect((await token(b, usedForm)).body.error).toBe('invalid_grant');
    expect((await token(a, { grant_type: 'refresh_token', refresh_token: revokedPair.refresh_token })).body.error).toBe(
      'invalid_grant',
    );
    expect((await token(b, { grant_type: 'refresh_token', refresh_token: rotatedPair.refresh_token })).body.error).toBe(
      'invalid_grant',
    );
    const redeemed = await token(b, {
      grant_type: 'authorization_code',
      code: unredeemed.code,
      code_verifier: unredeemed.verifier,
      redirect_uri: REDIRECT_URI,
    });
    expect(redeemed.status).toBe(200);
    expect(kidOf(redeemed.body.access_token as string)).toBe(newKid);
  });
});
