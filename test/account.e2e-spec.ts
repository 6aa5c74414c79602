import { createHash } from 'node:crypto';
import request from 'supertest';
import { ConsentEntity } from '../src/consent/consent.entity';
import { LoginSessionEntity } from '../src/consent/login-session.entity';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, pkcePair, TestClient } from './utils/fixtures';
import { basicOf, redeemCode, tokenRequest } from './utils/oauth';
import {
  authorizePath,
  authorizeThrough,
  inputValue,
  locationOf,
  responseParams,
  signIn,
  TestBrowser,
} from './utils/session';

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** GET /account, POST /account/revoke, POST /logout. */
describe('account page', () => {
  let t: TestApp;
  let notes: TestClient;
  let other: TestClient;

  const consents = () => t.dataSource.getRepository(ConsentEntity);

  /** The full code flow for one client and scope; returns the tokens from POST /oauth/token. */
  async function obtainTokens(browser: TestBrowser, client: TestClient, scope: string): Promise<Tokens> {
    const { verifier, challenge } = pkcePair();
    const res = await authorizeThrough(browser, {
      response_type: 'code',
      client_id: client.clientId,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope,
    });
    const token = await redeemCode(t, client, responseParams(res).get('code') as string, verifier);
    expect(token.status).toBe(200);
    return { accessToken: token.body.access_token, refreshToken: token.body.refresh_token };
  }

  function callApi(accessToken: string) {
    return request(t.server).get('/api/me').set('authorization', `Bearer ${accessToken}`);
  }

  function refresh(client: TestClient, refreshToken: string) {
    return tokenRequest(t, { grant_type: 'refresh_token', refresh_token: refreshToken }, basicOf(client));
  }

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t, { username: 'u1' });
    await createUser(t, { username: 'u2' });
    notes = await createClient(t, { name: 'Notes <b>App</b>' });
    other = await createClient(t, { name: 'Other app', redirectUris: ['https://other.example/cb'] });
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(async () => {
    await consents().clear();
  });

  it('sends a visitor without a session to the login page and back', async () => {
    const browser = new TestBrowser(t);
    const res = await browser.get('/account');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?return_to=%2Faccount');
    const login = await signIn(browser, 'u1', undefined, res.headers.location as string);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/account');
  });

  it('lists each client holding a consent, with scopes and date, escaped', async () => {
    const browser = new TestBrowser(t);
    await obtainTokens(browser, notes, 'profile notes:read');
    await obtainTokens(browser, other, 'profile');
    const page = await browser.get('/account');
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).toContain('Signed in as u1');
    expect(page.text).toContain('Notes &lt;b&gt;App&lt;/b&gt;');
    expect(page.text).not.toContain('<b>App</b>');
    expect(page.text).toContain('Other app');
    expect(page.text).toContain('Read your notes');
    expect(page.text).toContain(new Date().toISOString().slice(0, 10));
    expect(page.text).toContain(`name="client_id" value="${notes.clientId}"`);
    expect(page.text).toContain(`name="client_id" value="${other.clientId}"`);
    expect(page.text).toMatch(/<form method="post" action="\/account\/revoke">/);
    expect(page.text).toMatch(/<form method="post" action="\/logout">/);

    const u2 = new TestBrowser(t);
    await signIn(u2, 'u2');
    const u2Page = await u2.get('/account');
    expect(u2Page.text).not.toContain('Other app');
    expect(u2Page.text).toContain('No application has access to your account.');
  });

  it('revokes a client: the consent goes and every token it holds for the user dies at once', async () => {
    const browser = new TestBrowser(t);
    const notesTokens = await obtainTokens(browser, notes, 'profile notes:read');
    const secondNotesTokens = await obtainTokens(browser, notes, 'profile');
    const otherTokens = await obtainTokens(browser, other, 'profile');
    expect((await callApi(notesTokens.accessToken)).status).toBe(200);

    const page = await browser.get('/account');
    const res = await browser.postForm('/account/revoke', {
      csrf_token: inputValue(page.text, 'csrf_token'),
      client_id: notes.clientId,
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account');

    expect((await callApi(notesTokens.accessToken)).status).toBe(401);
    expect((await callApi(secondNotesTokens.accessToken)).status).toBe(401);
    const refreshed = await refresh(notes, notesTokens.refreshToken);
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe('invalid_grant');
    expect((await callApi(otherTokens.accessToken)).status).toBe(200);
    expect((await refresh(other, otherTokens.refreshToken)).status).toBe(200);

    const after = await browser.get('/account');
    expect(after.text).not.toContain(`value="${notes.clientId}"`);
    expect(after.text).toContain(`value="${other.clientId}"`);

    // The next authorization asks again.
    const { challenge } = pkcePair();
    const again = await browser.get(
      authorizePath({
        response_type: 'code',
        client_id: notes.clientId,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        scope: 'profile',
      }),
    );
    expect(locationOf(again).pathname).toBe('/consent');
  });

  it('refuses a revocation without the CSRF token of the session', async () => {
    const browser = new TestBrowser(t);
    const tokens = await obtainTokens(browser, notes, 'profile');
    const elsewhere = new TestBrowser(t);
    await signIn(elsewhere, 'u1');
    const foreignCsrf = inputValue((await elsewhere.get('/account')).text, 'csrf_token');
    for (const csrf of [undefined, 'x', foreignCsrf]) {
      const res = await browser.postForm('/account/revoke', { csrf_token: csrf, client_id: notes.clientId });
      expect(res.status).toBe(403);
    }
    expect(await consents().count()).toBe(1);
    expect((await callApi(tokens.accessToken)).status).toBe(200);
  });

  it('revokes only the signed-in user’s consent', async () => {
    const victim = new TestBrowser(t);
    const tokens = await obtainTokens(victim, notes, 'profile');
    const attacker = new TestBrowser(t);
    await signIn(attacker, 'u2');
    const page = await attacker.get('/account');
    const res = await attacker.postForm('/account/revoke', {
      csrf_token: inputValue(page.text, 'csrf_token'),
      client_id: notes.clientId,
    });
    expect(res.status).toBe(303);
    expect(await consents().count()).toBe(1);
    expect((await callApi(tokens.accessToken)).status).toBe(200);
  });

  describe('POST /logout', () => {
    it('ends the session and clears the cookie; the old id is dead', async () => {
      const browser = new TestBrowser(t);
      await signIn(browser, 'u1');
      const token = browser.sessionCookie as string;
      const page = await browser.get('/account');
      const res = await browser.postForm('/logout', { csrf_token: inputValue(page.text, 'csrf_token') });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login?signed_out=1');
      const landing = await browser.get(res.headers.location as string);
      expect(landing.text).toContain('You have signed out.');
      const cleared = (res.headers['set-cookie'] as unknown as string[]).find((line) =>
        line.startsWith('tollgate_session='),
      );
      expect(cleared).toMatch(/^tollgate_session=;/);
      expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/);
      const sessionId = createHash('sha256').update(token).digest('hex');
      expect(await t.dataSource.getRepository(LoginSessionEntity).existsBy({ id: sessionId })).toBe(false);

      const replay = new TestBrowser(t);
      replay.setCookie('tollgate_session', token);
      expect((await replay.get('/account')).status).toBe(302);

      // The next authorization needs a login again.
      const { challenge } = pkcePair();
      const start = await replay.get(
        authorizePath({
          response_type: 'code',
          client_id: notes.clientId,
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      expect(locationOf(start).pathname).toBe('/login');
    });

    it('refuses a logout without the CSRF token', async () => {
      const browser = new TestBrowser(t);
      await signIn(browser, 'u1');
      for (const csrf of [undefined, 'nope']) {
        expect((await browser.postForm('/logout', { csrf_token: csrf })).status).toBe(403);
      }
      expect((await browser.get('/account')).status).toBe(200);
    });
  });
});
