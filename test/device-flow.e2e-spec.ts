import * as oauth from 'oauth4webapi';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DeviceAuthorizationEntity } from '../src/tokens/device/device-authorization.entity';
import { decodeJwt } from './utils/jwt';
import { createTestApp, TestApp } from './utils/app';
import { answerDevice, deviceRowOf, enterUserCode, waitedSinceLastPoll } from './utils/device';
import { createClient, createUser, TestClient, TestUser } from './utils/fixtures';
import { basicOf, postForm, tokenRequest } from './utils/oauth';
import { decide, inputValue, locationOf, signIn, TestBrowser } from './utils/session';

const ISSUER = 'http://localhost:3000';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const USER_CODE_SHAPE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

interface DeviceStart {
  device_code: string;
  user_code: string;
}

/** RFC 8628 end to end: oauth4webapi plays the device, TestBrowser the user's phone. */
describe('device authorization grant (RFC 8628)', () => {
  let t: TestApp;
  let as: oauth.AuthorizationServer;
  let options: { [oauth.allowInsecureRequests]: boolean; [oauth.customFetch]: typeof fetch };
  let tv: TestClient;
  let cli: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as { port: number };
    options = {
      [oauth.allowInsecureRequests]: true,
      [oauth.customFetch]: (url, init) => fetch(String(url).replace(ISSUER, `http://127.0.0.1:${port}`), init),
    };
    as = await oauth.processDiscoveryResponse(
      new URL(ISSUER),
      await oauth.discoveryRequest(new URL(ISSUER), { ...options, algorithm: 'oauth2' }),
    );
    // A public client (a TV app) and a confidential one (a CLI with a secret).
    tv = await createClient(t, {
      name: 'Living-room TV',
      isPublic: true,
      redirectUris: [],
      grantTypes: [DEVICE_GRANT, 'refresh_token'],
    });
    cli = await createClient(t, { name: 'Ops CLI', redirectUris: [], grantTypes: [DEVICE_GRANT] });
    user = await createUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const start = (client: TestClient, form: Record<string, string> = {}) =>
    client.clientSecret
      ? postForm(t, '/oauth/device_authorization', form, basicOf(client))
      : postForm(t, '/oauth/device_authorization', { ...form, client_id: client.clientId });

  async function startDevice(client: TestClient = tv): Promise<DeviceStart> {
    const res = await start(client);
    expect(res.status).toBe(200);
    return res.body as DeviceStart;
  }

  const poll = (client: TestClient, deviceCode: string) =>
    client.clientSecret
      ? tokenRequest(t, { grant_type: DEVICE_GRANT, device_code: deviceCode }, basicOf(client))
      : tokenRequest(t, { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: client.clientId });

  /** A poll that comes after the device waited its interval. */
  async function pollLater(client: TestClient, deviceCode: string) {
    await waitedSinceLastPoll(t, deviceCode, 60);
    return poll(client, deviceCode);
  }

  function expectError(res: request.Response, error: string): void {
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error, error_description: expect.any(String) });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  }

  /** The user's side: enter the code, sign in if asked, answer the consent page; returns the result page. */
  async function userAnswers(
    browser: TestBrowser,
    userCode: string,
    decision: 'allow' | 'deny',
  ): Promise<request.Response> {
    let res = await enterUserCode(browser, userCode);
    expect(res.status).toBe(303);
    let location = locationOf(res);
    if (location.pathname === '/login') {
      res = await signIn(browser, user.username, user.password, location.pathname + location.search);
      location = locationOf(res);
    }
    expect(location.pathname).toBe('/consent');
    res = await decide(browser, location.pathname + location.search, decision);
    expect(res.status).toBe(303);
    expect(locationOf(res).pathname).toBe('/device/result');
    return browser.get(res.headers.location as string);
  }

  it('announces the endpoint and the grant type in metadata (RFC 8628 §4)', () => {
    expect(as.device_authorization_endpoint).toBe(`${ISSUER}/oauth/device_authorization`);
    expect(as.grant_types_supported).toContain(DEVICE_GRANT);
  });

  it('runs the whole flow: device authorization, user code on /device, login, consent, tokens, refresh', async () => {
    const client: oauth.Client = { client_id: tv.clientId };
    const device = await oauth.processDeviceAuthorizationResponse(
      as,
      client,
      await oauth.deviceAuthorizationRequest(as, client, oauth.None(), { scope: 'profile notes:read' }, options),
    );
    expect(device.user_code).toMatch(USER_CODE_SHAPE);
    expect(device.device_code.length).toBeGreaterThanOrEqual(43);
    expect(device.verification_uri).toBe(`${ISSUER}/device`);
    expect(device.verification_uri_complete).toBe(`${ISSUER}/device?user_code=${device.user_code}`);
    expect(device.expires_in).toBe(600);
    expect(device.interval).toBe(5);
    // Codes are stored hashed only.
    const row = await deviceRowOf(t, device.device_code);
    expect(JSON.stringify(row)).not.toContain(device.device_code);
    expect(JSON.stringify(row)).not.toContain(device.user_code.replace('-', ''));

    const pending = oauth.processDeviceCodeResponse(
      as,
      client,
      await oauth.deviceCodeGrantRequest(as, client, oauth.None(), device.device_code, options),
    );
    await expect(pending).rejects.toMatchObject({ error: 'authorization_pending' });

    // verification_uri_complete fills the field in; the user still confirms (RFC 8628 §3.3.1).
    const browser = new TestBrowser(t);
    const form = await browser.get(
      new URL(device.verification_uri_complete as string).pathname + `?user_code=${device.user_code}`,
    );
    expect(form.status).toBe(200);
    expect(form.headers['cache-control']).toBe('no-store');
    expect(inputValue(form.text, 'user_code')).toBe(device.user_code);
    // Case, dashes and spaces are ignored.
    const typed = ` ${device.user_code.toLowerCase().replace('-', ' ')} `;
    let res = await browser.postForm('/device', { user_code: typed, csrf_token: inputValue(form.text, 'csrf_token') });
    expect(res.status).toBe(303);
    const login = locationOf(res);
    expect(login.pathname).toBe('/login');
    const loginPage = await browser.get(login.pathname + login.search);
    expect(loginPage.text).toContain('Living-room TV');
    res = await signIn(browser, user.username, user.password, login.pathname + login.search);
    const consent = locationOf(res);
    expect(consent.pathname).toBe('/consent');
    const consentPage = await browser.get(consent.pathname + consent.search);
    expect(consentPage.text).toContain('A device wants to access your account');
    expect(consentPage.text).toContain('Living-room TV');
    res = await decide(browser, consent.pathname + consent.search, 'allow');
    expect(locationOf(res).pathname).toBe('/device/result');
    const result = await browser.get(res.headers.location as string);
    expect(result.status).toBe(200);
    expect(result.text).toContain('You may return to your device');

    await waitedSinceLastPoll(t, device.device_code, 5);
    const tokens = await oauth.processDeviceCodeResponse(
      as,
      client,
      await oauth.deviceCodeGrantRequest(as, client, oauth.None(), device.device_code, options),
    );
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'profile notes:read', expires_in: 600 });
    const me = await request(t.server).get('/api/me').set('authorization', `Bearer ${tokens.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ sub: user.id });

    // A refresh token, as for the code flow, in a family of its own.
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token as string, options),
    );
    expect(refreshed.access_token).not.toBe(tokens.access_token);
  });

  it('gives no refresh token to a client not registered for refresh_token', async () => {
    const device = await startDevice(cli);
    await answerDevice(t, device.user_code, user.id);
    const res = await poll(cli, device.device_code);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.refresh_token).toBeUndefined();
  });

  it('R2-15: slow_down when polling faster than the interval, which then grows by 5 s', async () => {
    const device = await startDevice();
    expectError(await poll(tv, device.device_code), 'authorization_pending');
    expectError(await poll(tv, device.device_code), 'slow_down');
    expect((await deviceRowOf(t, device.device_code)).intervalSeconds).toBe(10);
    // 7 s would have been enough before; the interval is 10 s now, so this is too fast again.
    await waitedSinceLastPoll(t, device.device_code, 7);
    expectError(await poll(tv, device.device_code), 'slow_down');
    expect((await deviceRowOf(t, device.device_code)).intervalSeconds).toBe(15);
    await waitedSinceLastPoll(t, device.device_code, 15);
    expectError(await poll(tv, device.device_code), 'authorization_pending');
  });

  it('R2-15: access_denied after the user denies', async () => {
    const device = await startDevice();
    const result = await userAnswers(new TestBrowser(t), device.user_code, 'deny');
    expect(result.text).toContain('Access denied');
    expectError(await poll(tv, device.device_code), 'access_denied');
    // The code cannot be entered again.
    const again = await enterUserCode(new TestBrowser(t), device.user_code);
    expect(again.status).toBe(400);
  });

  it('R2-15: expired_token after expiry, and the user code no longer works', async () => {
    const device = await startDevice();
    await t
      .get(DataSource)
      .getRepository(DeviceAuthorizationEntity)
      .update({ id: (await deviceRowOf(t, device.device_code)).id }, { expiresAt: new Date(Date.now() - 1000) });
    expectError(await poll(tv, device.device_code), 'expired_token');
    const res = await enterUserCode(new TestBrowser(t), device.user_code);
    expect(res.status).toBe(400);
    expect(res.text).toContain('not valid or has expired');
  });

  it('R2-15: two parallel redemptions of an approved code give exactly one success; a replay then fails', async () => {
    const device = await startDevice();
    await answerDevice(t, device.user_code, user.id);
    const results = await Promise.all([poll(tv, device.device_code), poll(tv, device.device_code)]);
    const winners = results.filter((res) => res.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((res) => res.status !== 200)) expectError(loser, 'slow_down');
    expectError(await pollLater(tv, device.device_code), 'invalid_grant');
    // RFC 6749 §10.5 as for codes: the replay revoked what the winner got.
    const me = await request(t.server).get('/api/me').set('authorization', `Bearer ${winners[0].body.access_token}`);
    expect(me.status).toBe(401);
  });

  it("answers invalid_grant for an unknown device code and for another client's", async () => {
    expectError(await poll(tv, 'no-such-device-code'), 'invalid_grant');
    const device = await startDevice(cli);
    expectError(await poll(tv, device.device_code), 'invalid_grant');
    expectError(await tokenRequest(t, { grant_type: DEVICE_GRANT, client_id: tv.clientId }), 'invalid_request');
  });

  it('stops an approved, unredeemed device code when the user withdraws consent on the account page', async () => {
    const browser = new TestBrowser(t);
    const device = await startDevice();
    await userAnswers(browser, device.user_code, 'allow');
    const account = await browser.get('/account');
    expect(account.text).toContain('Living-room TV');
    const revoked = await browser.postForm('/account/revoke', {
      csrf_token: inputValue(account.text, 'csrf_token'),
      client_id: tv.clientId,
    });
    expect(revoked.status).toBe(303);
    expectError(await poll(tv, device.device_code), 'access_denied');
  });

  it('RFC 8628 §5.4: always asks for consent, even when the user allowed the client before', async () => {
    const browser = new TestBrowser(t);
    await userAnswers(browser, (await startDevice()).user_code, 'allow');
    // Signed in already: straight to the consent page.
    const res = await enterUserCode(browser, (await startDevice()).user_code);
    expect(res.status).toBe(303);
    expect(locationOf(res).pathname).toBe('/consent');
    // Signing in on another browser: after the login, the consent page again, not the result.
    const elsewhere = new TestBrowser(t);
    const login = locationOf(await enterUserCode(elsewhere, (await startDevice()).user_code));
    expect(login.pathname).toBe('/login');
    const signedIn = await signIn(elsewhere, user.username, user.password, login.pathname + login.search);
    expect(locationOf(signedIn).pathname).toBe('/consent');
  });

  it('refuses the user-code form without its CSRF token', async () => {
    const device = await startDevice();
    const browser = new TestBrowser(t);
    const page = await browser.get('/device');
    expect(page.status).toBe(200);
    const missing = await browser.postForm('/device', { user_code: device.user_code });
    expect(missing.status).toBe(403);
    const wrong = await browser.postForm('/device', { user_code: device.user_code, csrf_token: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    const json = await request(t.server).post('/device').send({ user_code: device.user_code });
    expect(json.status).toBe(400);
    // The code is still usable by the real user.
    expect((await enterUserCode(browser, device.user_code)).status).toBe(303);
  });

  describe('POST /oauth/device_authorization', () => {
    it('requires client authentication: a wrong secret is invalid_client', async () => {
      const res = await postForm(
        t,
        '/oauth/device_authorization',
        {},
        `Basic ${Buffer.from(`${cli.clientId}:wrong`).toString('base64')}`,
      );
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    });

    it('answers unauthorized_client to a client not registered for the device grant', async () => {
      const web = await createClient(t);
      const res = await start(web);
      expectError(res, 'unauthorized_client');
    });

    it('validates scope as the token endpoint does', async () => {
      expectError(await start(tv, { scope: 'admin' }), 'invalid_scope');
      const res = await start(tv, { scope: 'profile' });
      expect(res.status).toBe(200);
      expect((await deviceRowOf(t, res.body.device_code)).scope).toBe('profile');
    });

    it('RFC 8707: takes resource like the token endpoint, binds the token to it, and refuses an unknown one', async () => {
      expectError(await start(tv, { resource: 'https://unknown.example/' }), 'invalid_target');
      const res = await start(tv, { resource: `${ISSUER}/mcp`, scope: 'profile' });
      expect(res.status).toBe(200);
      await answerDevice(t, res.body.user_code as string, user.id);
      const tokens = await poll(tv, res.body.device_code as string);
      expect(tokens.status).toBe(200);
      expect(decodeJwt(tokens.body.access_token as string).claims.aud).toBe(`${ISSUER}/mcp`);
    });

    it('takes form bodies only, never cached', async () => {
      const res = await request(t.server)
        .post('/oauth/device_authorization')
        .set('content-type', 'application/json')
        .send({ client_id: tv.clientId });
      expectError(res, 'invalid_request');
      const ok = await start(tv);
      expect(ok.headers['cache-control']).toBe('no-store');
      expect(ok.headers.pragma).toBe('no-cache');
    });
  });
});

describe('R2-16: wrong user codes are throttled per address (RFC 8628 §5.1)', () => {
  let t: TestApp;
  let tv: TestClient;
  const at = (address: string) => new TestBrowser(t, { 'x-forwarded-for': address });

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_ENABLED: 'true', TRUST_PROXY: 'true' } });
    tv = await createClient(t, { isPublic: true, redirectUris: [], grantTypes: [DEVICE_GRANT] });
  });

  afterAll(async () => {
    await t.close();
  });

  const wrongCode = (i: number) => `BBBB-${'BCDFGHJKLM'[i % 10]}${'BCDFGHJKLM'[Math.floor(i / 10) % 10]}ZZ`;

  it('throttles one address before its 50th wrong code; users elsewhere are unaffected', async () => {
    const attacker = at('192.0.2.66');
    const page = await attacker.get('/device');
    const csrf = inputValue(page.text, 'csrf_token');
    const statuses: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      statuses.push((await attacker.postForm('/device', { user_code: wrongCode(i), csrf_token: csrf })).status);
    }
    const firstBlocked = statuses.indexOf(429);
    expect(firstBlocked).toBeGreaterThan(0);
    expect(firstBlocked).toBeLessThan(49);
    expect(statuses.slice(0, firstBlocked).every((status) => status === 400)).toBe(true);

    const res = await postForm(t, '/oauth/device_authorization', { client_id: tv.clientId });
    const userCode = (res.body as DeviceStart).user_code;
    // Even the right code waits at that address; another address goes on.
    expect((await attacker.postForm('/device', { user_code: userCode, csrf_token: csrf })).status).toBe(429);
    expect((await enterUserCode(at('198.51.100.7'), userCode)).status).toBe(303);
  });

  it('counts parallel wrong codes before checking them', async () => {
    const attacker = at('192.0.2.77');
    const page = await attacker.get('/device');
    const csrf = inputValue(page.text, 'csrf_token');
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => attacker.postForm('/device', { user_code: wrongCode(i), csrf_token: csrf })),
    );
    const statuses = results.map((res) => res.status);
    expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(20);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(20);
  });
});
