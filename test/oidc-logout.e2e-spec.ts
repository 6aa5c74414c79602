import { createHash, generateKeyPairSync } from 'node:crypto';
import * as client from 'openid-client';
import request, { Response } from 'supertest';
import { LoginSessionEntity } from '../src/consent/login-session.entity';
import { createTestApp, TestApp } from './utils/app';
import { createSharedTestDatabase, TestDatabase } from './utils/database';
import { createClient, createUser, pkcePair, TestClient, TestUser } from './utils/fixtures';
import { decodeJwt, serverSigningKey, signJwt } from './utils/jwt';
import { redeemCode } from './utils/oauth';
import { authorizeThrough, inputValue, locationOf, TestBrowser } from './utils/session';

const ISSUER = 'https://auth.example.com';
const REDIRECT_URI = 'https://rp.example/cb';
const SIGNED_OUT_URI = 'https://rp.example/signed-out';

/** OpenID Connect RP-Initiated Logout 1.0 at /oauth/logout, and SECURITY-CASES R2-18. */
describe('RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0)', () => {
  let database: TestDatabase;
  let t: TestApp;
  let rp: TestClient;
  let other: TestClient;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    database = await createSharedTestDatabase();
    t = await createTestApp({ env: { ISSUER }, database });
    rp = await createClient(t, {
      name: 'Relying party',
      redirectUris: [REDIRECT_URI],
      scope: 'openid profile',
      postLogoutRedirectUris: [SIGNED_OUT_URI],
    });
    other = await createClient(t, { name: 'Other', redirectUris: [REDIRECT_URI], scope: 'openid' });
    alice = await createUser(t);
    bob = await createUser(t);
  });

  afterAll(async () => {
    await t.close();
    await database.drop();
  });

  /** Signs a browser in through an OpenID authentication request and returns the ID token. */
  async function signInWithIdToken(browser: TestBrowser, user: TestUser, rpClient = rp): Promise<string> {
    const { verifier, challenge } = pkcePair();
    const res = await authorizeThrough(
      browser,
      {
        response_type: 'code',
        client_id: rpClient.clientId,
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        nonce: 'n',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      },
      { username: user.username },
    );
    const tokens = await redeemCode(
      t,
      rpClient,
      locationOf(res).searchParams.get('code') as string,
      verifier,
      REDIRECT_URI,
    );
    expect(tokens.status).toBe(200);
    return tokens.body.id_token as string;
  }

  async function hasSession(app: TestApp, browser: TestBrowser): Promise<boolean> {
    const cookie = browser.sessionCookie;
    if (!cookie) return false;
    const id = createHash('sha256').update(cookie).digest('hex');
    return app.dataSource.getRepository(LoginSessionEntity).existsBy({ id });
  }

  function logoutPath(params: Record<string, string>): string {
    return `/oauth/logout?${new URLSearchParams(params).toString()}`;
  }

  function expectNoRedirect(res: Response): void {
    expect(res.headers.location).toBeUndefined();
  }

  it('with a matching id_token_hint, ends the session and redirects to the registered URI with state (openid-client buildEndSessionUrl)', async () => {
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as { port: number };
    const routeToApp = (url: string, init: RequestInit) => fetch(url.replace(ISSUER, `http://127.0.0.1:${port}`), init);
    const config = await client.discovery(
      new URL(ISSUER),
      rp.clientId,
      undefined,
      client.ClientSecretBasic(rp.clientSecret as string),
      { [client.customFetch]: routeToApp },
    );
    const browser = new TestBrowser(t);
    const idToken = await signInWithIdToken(browser, alice);
    const url = client.buildEndSessionUrl(config, {
      id_token_hint: idToken,
      post_logout_redirect_uri: SIGNED_OUT_URI,
      state: 'bye 1',
    });
    expect(url.origin + url.pathname).toBe(`${ISSUER}/oauth/logout`);
    const res = await browser.get(url.pathname + url.search);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${SIGNED_OUT_URI}?state=bye+1`);
    expect(res.headers['set-cookie']).toBeDefined();
    expect(browser.sessionCookie).toBeUndefined();
    const account = await browser.get('/account');
    expect(locationOf(account).pathname).toBe('/login');
  });

  it('accepts an expired id_token_hint (§2: the hint may have expired)', async () => {
    const browser = new TestBrowser(t);
    const idToken = await signInWithIdToken(browser, alice);
    const { header, claims } = decodeJwt(idToken);
    const key = await serverSigningKey(t);
    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt(
      header,
      { ...claims, iat: now - 7200, exp: now - 3600 },
      { alg: 'ES256', key: key.privateKey },
    );
    const res = await browser.get(logoutPath({ id_token_hint: expired, post_logout_redirect_uri: SIGNED_OUT_URI }));
    expect(res.headers.location).toBe(SIGNED_OUT_URI);
    expect(await hasSession(t, browser)).toBe(false);
  });

  describe('R2-18: never redirects to an unregistered or unidentified post_logout_redirect_uri', () => {
    it('refuses an unregistered URI even with a valid hint, and keeps the session', async () => {
      const browser = new TestBrowser(t);
      const idToken = await signInWithIdToken(browser, alice);
      for (const uri of ['https://evil.example/', `${SIGNED_OUT_URI}/`, `${SIGNED_OUT_URI}?x=1`, REDIRECT_URI]) {
        const res = await browser.get(logoutPath({ id_token_hint: idToken, post_logout_redirect_uri: uri }));
        expect(res.status).toBe(400);
        expectNoRedirect(res);
        expect(res.text).toContain('not registered');
      }
      expect(await hasSession(t, browser)).toBe(true);
    });

    it('refuses a registered URI without id_token_hint and client_id', async () => {
      const browser = new TestBrowser(t);
      await signInWithIdToken(browser, alice);
      const res = await browser.get(logoutPath({ post_logout_redirect_uri: SIGNED_OUT_URI, state: 's' }));
      expect(res.status).toBe(400);
      expectNoRedirect(res);
      expect(await hasSession(t, browser)).toBe(true);
    });

    it('refuses a URI registered for another client than the hint’s, and a client_id that is not the hint’s audience', async () => {
      const browser = new TestBrowser(t);
      const otherToken = await signInWithIdToken(browser, alice, other);
      const viaHint = await browser.get(
        logoutPath({ id_token_hint: otherToken, post_logout_redirect_uri: SIGNED_OUT_URI }),
      );
      expect(viaHint.status).toBe(400);
      expectNoRedirect(viaHint);
      const mismatch = await browser.get(
        logoutPath({ id_token_hint: otherToken, client_id: rp.clientId, post_logout_redirect_uri: SIGNED_OUT_URI }),
      );
      expect(mismatch.status).toBe(400);
      expectNoRedirect(mismatch);
    });

    it('refuses hints this server did not issue: another key, an access token', async () => {
      const browser = new TestBrowser(t);
      const idToken = await signInWithIdToken(browser, alice);
      const { header, claims } = decodeJwt(idToken);
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const forged = signJwt(header, claims, { alg: 'ES256', key: privateKey });
      const accessTokenLike = signJwt({ ...header, typ: 'at+jwt' }, claims, {
        alg: 'ES256',
        key: (await serverSigningKey(t)).privateKey,
      });
      for (const hint of [forged, accessTokenLike, 'not-a-jwt']) {
        const res = await browser.get(logoutPath({ id_token_hint: hint, post_logout_redirect_uri: SIGNED_OUT_URI }));
        expect(res.status).toBe(400);
        expectNoRedirect(res);
      }
      expect(await hasSession(t, browser)).toBe(true);
    });
  });

  describe('confirmation form', () => {
    async function confirmationOf(res: Response): Promise<Record<string, string>> {
      expect(res.status).toBe(200);
      expectNoRedirect(res);
      expect(res.text).toContain('Sign out?');
      const fields: Record<string, string> = { confirm: 'yes' };
      for (const name of ['csrf_token', 'client_id', 'post_logout_redirect_uri', 'state', 'id_token_hint']) {
        const value = inputValue(res.text, name);
        if (value !== undefined) fields[name] = value;
      }
      return fields;
    }

    it('R2-18: client_id alone never earns a redirect, even to a registered URI; without one it asks', async () => {
      const browser = new TestBrowser(t);
      await signInWithIdToken(browser, alice);
      const refused = await browser.get(
        logoutPath({ client_id: rp.clientId, post_logout_redirect_uri: SIGNED_OUT_URI, state: 'abc' }),
      );
      expect(refused.status).toBe(400);
      expectNoRedirect(refused);
      expect(refused.text).toContain('id_token_hint');
      expect(await hasSession(t, browser)).toBe(true);

      const page = await browser.get(logoutPath({ client_id: rp.clientId }));
      const fields = await confirmationOf(page);
      expect(page.text).toContain('Relying party');
      expect(await hasSession(t, browser)).toBe(true);
      const done = await browser.postForm('/oauth/logout', fields);
      expect(done.headers.location ?? '').not.toContain(SIGNED_OUT_URI);
      expect(await hasSession(t, browser)).toBe(false);
    });

    it('asks when the hint names another user’s session', async () => {
      const browser = new TestBrowser(t);
      const alicesToken = await signInWithIdToken(new TestBrowser(t), alice);
      await signInWithIdToken(browser, bob);
      const page = await browser.get(logoutPath({ id_token_hint: alicesToken }));
      await confirmationOf(page);
      expect(await hasSession(t, browser)).toBe(true);
    });

    it('asks when the hint is from an earlier session of the same user (sid differs)', async () => {
      const browser = new TestBrowser(t);
      const oldToken = await signInWithIdToken(new TestBrowser(t), alice);
      await signInWithIdToken(browser, alice);
      await confirmationOf(await browser.get(logoutPath({ id_token_hint: oldToken })));
    });

    it('refuses the confirmation without the session’s CSRF token', async () => {
      const browser = new TestBrowser(t);
      await signInWithIdToken(browser, alice);
      const fields = await confirmationOf(await browser.get('/oauth/logout'));
      const res = await browser.postForm('/oauth/logout', { ...fields, csrf_token: 'x'.repeat(43) });
      expect(res.status).toBe(403);
      expect(await hasSession(t, browser)).toBe(true);
    });

    it('without any parameter, shows the signed-out page after confirming', async () => {
      const browser = new TestBrowser(t);
      await signInWithIdToken(browser, alice);
      const fields = await confirmationOf(await browser.get('/oauth/logout'));
      const res = await browser.postForm('/oauth/logout', fields);
      expect(res.status).toBe(200);
      expect(res.text).toContain('You are signed out');
      expect(await hasSession(t, browser)).toBe(false);
    });
  });

  it('refuses repeated parameters and a POST that is not a form', async () => {
    const res = await request(t.server).get(`/oauth/logout?state=a&state=b`);
    expect(res.status).toBe(400);
    const json = await request(t.server).post('/oauth/logout').send({ state: 'a' });
    expect(json.status).toBe(400);
  });

  it('ends the session on every instance: signed out on one, gone on another', async () => {
    const second = await createTestApp({ env: { ISSUER }, database });
    try {
      const browser = new TestBrowser(t);
      const idToken = await signInWithIdToken(browser, alice);
      const onSecond = new TestBrowser(second);
      onSecond.setCookie('__Host-tollgate_session', browser.sessionCookie as string);
      expect(await hasSession(second, onSecond)).toBe(true);
      const res = await onSecond.get(logoutPath({ id_token_hint: idToken }));
      expect(res.status).toBe(200);
      expect(res.text).toContain('You are signed out');
      const account = await browser.get('/account');
      expect(locationOf(account).pathname).toBe('/login');
    } finally {
      await second.close();
    }
  });
});
