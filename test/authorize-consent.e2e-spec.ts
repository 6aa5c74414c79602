import { createHash } from 'node:crypto';
import request from 'supertest';
import { oauthConfig } from '../src/config/oauth.config';
import { AuthorizationRequestEntity } from '../src/consent/authorization-request.entity';
import { ConsentEntity } from '../src/consent/consent.entity';
import { AuthorizationCodeEntity } from '../src/tokens/authorization-code.entity';
import { AuthorizationCodesService } from '../src/tokens/authorization-codes.service';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, pkcePair, TestClient } from './utils/fixtures';
import { redeemCode } from './utils/oauth';
import {
  authorizePath,
  authorizeThrough,
  decide,
  inputValue,
  locationOf,
  responseParams,
  signIn,
  TestBrowser,
} from './utils/session';
import { activeAccessTokenClaims } from './utils/fixtures';

function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** SECURITY-CASES A1 (AZ-23, AZ-25) and A10 (UI-02, UI-03, UI-04, UI-10): login, consent, codes. */
describe('authorization code flow with login and consent', () => {
  let t: TestApp;
  let issuer: string;
  let c1: TestClient;
  let native: TestClient;
  let u1: string;
  let u2: string;

  function codeParams(client: TestClient, challenge: string, extra: Record<string, string | undefined> = {}) {
    return {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    };
  }

  const codes = () => t.dataSource.getRepository(AuthorizationCodeEntity);
  const consents = () => t.dataSource.getRepository(ConsentEntity);

  beforeAll(async () => {
    t = await createTestApp();
    issuer = t.get<{ issuer: string }>(oauthConfig.KEY).issuer;
    u1 = (await createUser(t, { username: 'u1' })).id;
    u2 = (await createUser(t, { username: 'u2' })).id;
    c1 = await createClient(t, { name: 'C1', scope: 'profile notes:read notes:write' });
    native = await createClient(t, { name: 'Native', isPublic: true, redirectUris: ['http://127.0.0.1/cb'] });
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(async () => {
    await codes().clear();
    await consents().clear();
  });

  it('"not you?" on the consent page signs out and lets another account answer the same request', async () => {
    const browser = new TestBrowser(t);
    const { verifier, challenge } = pkcePair();
    const start = await browser.get(authorizePath(codeParams(c1, challenge, { state: 's1', scope: 'profile' })));
    const login = locationOf(start);
    const consent = locationOf(await signIn(browser, 'u1', undefined, login.pathname + login.search));
    const page = await browser.get(consent.pathname + consent.search);
    expect(page.text).toContain('Signed in as u1');
    const firstSession = browser.sessionCookie as string;

    const switched = await browser.postForm('/consent/switch-account', {
      csrf_token: inputValue(page.text, 'csrf_token'),
      interaction: inputValue(page.text, 'interaction'),
    });
    expect(switched.status).toBe(303);
    expect(locationOf(switched).pathname).toBe('/login');
    expect(locationOf(switched).searchParams.get('interaction')).toBe(inputValue(page.text, 'interaction'));
    // A new session id; the old one is gone, not merely signed out (no fixation, no reuse).
    expect(browser.sessionCookie).not.toBe(firstSession);
    const stale = new TestBrowser(t);
    stale.setCookie('tollgate_session', firstSession);
    expect((await stale.get('/account')).status).toBe(302);
    // The consent form of the first account no longer answers anything.
    const replay = await browser.postForm('/consent', {
      csrf_token: inputValue(page.text, 'csrf_token'),
      interaction: inputValue(page.text, 'interaction'),
      decision: 'allow',
    });
    expect(replay.status).toBe(403);

    const next = locationOf(switched);
    const second = locationOf(await signIn(browser, 'u2', undefined, next.pathname + next.search));
    expect(second.pathname).toBe('/consent');
    const secondPage = await browser.get(second.pathname + second.search);
    expect(secondPage.text).toContain('Signed in as u2');
    const allowed = await decide(browser, second.pathname + second.search, 'allow');
    expect(responseParams(allowed).get('state')).toBe('s1');
    const tokens = await redeemCode(t, c1, responseParams(allowed).get('code') as string, verifier);
    expect(tokens.status).toBe(200);
    const claims = await activeAccessTokenClaims(t, tokens.body.access_token);
    expect(claims?.sub).toBe(u2);
  });

  it('"not you?" needs the form\'s CSRF token and a pending request', async () => {
    const browser = new TestBrowser(t);
    const { challenge } = pkcePair();
    const start = await browser.get(authorizePath(codeParams(c1, challenge, { scope: 'profile' })));
    const login = locationOf(start);
    const consent = locationOf(await signIn(browser, 'u1', undefined, login.pathname + login.search));
    const page = await browser.get(consent.pathname + consent.search);
    const forged = await browser.postForm('/consent/switch-account', {
      csrf_token: 'x'.repeat(43),
      interaction: inputValue(page.text, 'interaction'),
    });
    expect(forged.status).toBe(403);
    const unknown = await browser.postForm('/consent/switch-account', {
      csrf_token: inputValue(page.text, 'csrf_token'),
      interaction: 'y'.repeat(43),
    });
    expect(unknown.status).toBe(400);
    // Still signed in as u1: neither refusal signed anyone out.
    expect((await browser.get(consent.pathname + consent.search)).text).toContain('Signed in as u1');
  });

  it('AZ-23: login, consent page, allow → code bound to the request, state byte-exact, iss; the code redeems', async () => {
    const browser = new TestBrowser(t);
    const { verifier, challenge } = pkcePair();
    const state = 'ä€😀 +&=%;#?/\\"\'<>';

    const start = await browser.get(authorizePath(codeParams(c1, challenge, { state, scope: 'profile notes:read' })));
    expect(start.status).toBe(302);
    const login = locationOf(start);
    expect(login.pathname).toBe('/login');
    expect(start.headers['set-cookie']).toBeDefined();

    const loginPage = await browser.get(login.pathname + login.search);
    expect(loginPage.status).toBe(200);
    expect(loginPage.text).toContain('C1');
    expect(loginPage.text).toMatch(/<input[^>]*name="username"/);
    expect(loginPage.text).toMatch(
      /<input[^>]*name="password"[^>]*type="password"|<input[^>]*type="password"[^>]*name="password"/,
    );
    const afterLogin = await signIn(browser, 'u1', undefined, login.pathname + login.search);
    expect(afterLogin.status).toBe(303);
    const consent = locationOf(afterLogin);
    expect(consent.pathname).toBe('/consent');

    const page = await browser.get(consent.pathname + consent.search);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).toContain('C1');
    expect(page.text).toContain('See your username');
    expect(page.text).toContain('Read your notes');
    expect(page.text).not.toContain('Create, change and delete your notes');
    // RFC 6749 §10.2: the page says where the answer goes.
    expect(page.text).toContain(`sent back to <strong>${new URL(c1.redirectUri).host}</strong>`);
    expect(page.text).toMatch(/<button[^>]*name="decision"[^>]*value="allow"/);
    expect(page.text).toMatch(/<button[^>]*name="decision"[^>]*value="deny"/);
    expect(inputValue(page.text, 'csrf_token')).toBeTruthy();

    const allowed = await browser.postForm('/consent', {
      csrf_token: inputValue(page.text, 'csrf_token'),
      interaction: inputValue(page.text, 'interaction'),
      decision: 'allow',
    });
    expect(allowed.status).toBe(303);
    expect(allowed.headers['cache-control']).toBe('no-store');
    const location = allowed.headers.location as string;
    expect(location.startsWith(`${c1.redirectUri}?`)).toBe(true);
    const params = responseParams(allowed);
    const code = params.get('code') as string;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(params.get('state')).toBe(state);
    expect(params.get('iss')).toBe(issuer);

    const row = await codes().findOneByOrFail({ codeHash: sha256Hex(code) });
    expect(row).toMatchObject({
      clientId: c1.clientId,
      userId: u1,
      redirectUri: c1.redirectUri,
      scope: 'profile notes:read',
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      consumedAt: null,
    });
    expect(row.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
    expect(row.expiresAt.getTime() - Date.now()).toBeGreaterThan(50_000);
    expect(await codes().count()).toBe(1);

    const consentRow = await consents().findOneByOrFail({ userId: u1, clientId: c1.clientId });
    expect(consentRow.scope.split(' ').sort()).toEqual(['notes:read', 'profile']);

    const token = await redeemCode(t, c1, code, verifier);
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ token_type: 'Bearer', scope: 'profile notes:read' });
    const me = await request(t.server).get('/api/me').set('authorization', `Bearer ${token.body.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ sub: u1, username: 'u1' });
  });

  it('AZ-23: sends no state when none was sent', async () => {
    const browser = new TestBrowser(t);
    const { challenge } = pkcePair();
    const res = await authorizeThrough(browser, codeParams(c1, challenge));
    expect(res.status).toBe(303);
    expect(responseParams(res).has('state')).toBe(false);
    expect(responseParams(res).get('code')).toBeTruthy();
    expect(responseParams(res).get('iss')).toBe(issuer);
  });

  it('AZ-25: deny → access_denied with state and iss, no code, no consent remembered', async () => {
    const browser = new TestBrowser(t);
    const { challenge } = pkcePair();
    const res = await authorizeThrough(browser, codeParams(c1, challenge, { state: 's-deny' }), { decision: 'deny' });
    expect(res.status).toBe(303);
    expect((res.headers.location as string).startsWith(`${c1.redirectUri}?`)).toBe(true);
    const params = responseParams(res);
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('s-deny');
    expect(params.get('iss')).toBe(issuer);
    expect(params.has('code')).toBe(false);
    expect(await codes().count()).toBe(0);
    expect(await consents().count()).toBe(0);
  });

  it('AZ-08: a native client on any loopback port gets its code there, bound to the URI as sent', async () => {
    const browser = new TestBrowser(t);
    const { verifier, challenge } = pkcePair();
    const redirectUri = 'http://127.0.0.1:49152/cb';
    const res = await authorizeThrough(
      browser,
      codeParams(native, challenge, { redirect_uri: redirectUri, state: 'n' }),
    );
    expect(res.status).toBe(303);
    expect((res.headers.location as string).startsWith(`${redirectUri}?code=`)).toBe(true);
    const code = responseParams(res).get('code') as string;
    expect((await codes().findOneByOrFail({ codeHash: sha256Hex(code) })).redirectUri).toBe(redirectUri);
    const token = await redeemCode(t, native, code, verifier, redirectUri);
    expect(token.status).toBe(200);
  });

  describe('remembered consent', () => {
    it('skips the page for the same or fewer scopes, asks again for a new one (UI-10) and for prompt=consent', async () => {
      const browser = new TestBrowser(t);
      const { challenge } = pkcePair();
      const first = await authorizeThrough(browser, codeParams(c1, challenge, { scope: 'profile notes:read' }));
      expect(responseParams(first).get('code')).toBeTruthy();

      const same = await browser.get(
        authorizePath(codeParams(c1, challenge, { scope: 'notes:read profile', state: 'a' })),
      );
      expect(same.status).toBe(302);
      expect((same.headers.location as string).startsWith(`${c1.redirectUri}?code=`)).toBe(true);
      expect(responseParams(same).get('state')).toBe('a');

      const fewer = await browser.get(authorizePath(codeParams(c1, challenge, { scope: 'profile' })));
      expect(responseParams(fewer).get('code')).toBeTruthy();

      const more = await browser.get(authorizePath(codeParams(c1, challenge, { scope: 'profile notes:write' })));
      expect(more.status).toBe(302);
      expect(locationOf(more).pathname).toBe('/consent');
      const page = await browser.get(locationOf(more).pathname + locationOf(more).search);
      expect(page.text).toContain('Create, change and delete your notes');

      const forced = await browser.get(
        authorizePath(codeParams(c1, challenge, { scope: 'profile', prompt: 'consent' })),
      );
      expect(locationOf(forced).pathname).toBe('/consent');

      // An omitted scope means every registered scope, which includes one not yet allowed.
      const omitted = await browser.get(authorizePath(codeParams(c1, challenge)));
      expect(locationOf(omitted).pathname).toBe('/consent');
    });

    it('keeps the union of allowed scopes', async () => {
      const browser = new TestBrowser(t);
      const { challenge } = pkcePair();
      await authorizeThrough(browser, codeParams(c1, challenge, { scope: 'profile' }));
      await authorizeThrough(browser, codeParams(c1, challenge, { scope: 'notes:write' }));
      const row = await consents().findOneByOrFail({ userId: u1, clientId: c1.clientId });
      expect(row.scope.split(' ').sort()).toEqual(['notes:write', 'profile']);
      const both = await browser.get(authorizePath(codeParams(c1, challenge, { scope: 'profile notes:write' })));
      expect(responseParams(both).get('code')).toBeTruthy();
    });

    it('after login, answers at once when consent is remembered', async () => {
      const { challenge } = pkcePair();
      await authorizeThrough(new TestBrowser(t), codeParams(c1, challenge, { scope: 'profile' }));
      const other = new TestBrowser(t);
      const res = await authorizeThrough(other, codeParams(c1, challenge, { scope: 'profile', state: 'again' }));
      expect(res.status).toBe(303);
      expect(responseParams(res).get('code')).toBeTruthy();
      expect(responseParams(res).get('state')).toBe('again');
    });
  });

  describe('prompt', () => {
    it('prompt=none answers login_required without a session', async () => {
      const { challenge } = pkcePair();
      const res = await new TestBrowser(t).get(
        authorizePath(codeParams(c1, challenge, { prompt: 'none', state: 'p' })),
      );
      expect(res.status).toBe(302);
      expect(responseParams(res).get('error')).toBe('login_required');
      expect(responseParams(res).get('state')).toBe('p');
      expect(responseParams(res).get('iss')).toBe(issuer);
    });

    it('prompt=none answers consent_required without a remembered consent, and a code with one', async () => {
      const browser = new TestBrowser(t);
      const { challenge } = pkcePair();
      await signIn(browser, 'u1');
      const before = await browser.get(authorizePath(codeParams(c1, challenge, { prompt: 'none', scope: 'profile' })));
      expect(responseParams(before).get('error')).toBe('consent_required');
      expect(await codes().count()).toBe(0);

      await authorizeThrough(browser, codeParams(c1, challenge, { scope: 'profile' }));
      const after = await browser.get(authorizePath(codeParams(c1, challenge, { prompt: 'none', scope: 'profile' })));
      expect(responseParams(after).get('code')).toBeTruthy();
    });

    it('prompt=login asks a signed-in user to sign in again, under a new session id', async () => {
      const browser = new TestBrowser(t);
      const { challenge } = pkcePair();
      await authorizeThrough(browser, codeParams(c1, challenge, { scope: 'profile' }));
      const before = browser.sessionCookie;
      const res = await browser.get(authorizePath(codeParams(c1, challenge, { scope: 'profile', prompt: 'login' })));
      const login = locationOf(res);
      expect(login.pathname).toBe('/login');
      const after = await signIn(browser, 'u1', undefined, login.pathname + login.search);
      expect(responseParams(after).get('code')).toBeTruthy();
      expect(browser.sessionCookie).toBeDefined();
      expect(browser.sessionCookie).not.toBe(before);
    });
  });

  describe('the pending request', () => {
    async function openConsentPage(browser: TestBrowser, username = 'u1') {
      const { challenge } = pkcePair();
      const start = await browser.get(authorizePath(codeParams(c1, challenge, { state: 'pending' })));
      const afterLogin = await signIn(
        browser,
        username,
        undefined,
        locationOf(start).pathname + locationOf(start).search,
      );
      const consent = locationOf(afterLogin);
      const page = await browser.get(consent.pathname + consent.search);
      expect(page.status).toBe(200);
      return {
        path: consent.pathname + consent.search,
        csrf: inputValue(page.text, 'csrf_token') as string,
        interaction: inputValue(page.text, 'interaction') as string,
      };
    }

    it('UI-02: a decision without the CSRF token, or with another session’s, is refused with 403 and no code', async () => {
      const browser = new TestBrowser(t);
      const mine = await openConsentPage(browser);
      const other = new TestBrowser(t);
      const theirs = await openConsentPage(other, 'u2');

      for (const csrf of [undefined, '', 'x'.repeat(43), theirs.csrf]) {
        const res = await browser.postForm('/consent', {
          csrf_token: csrf,
          interaction: mine.interaction,
          decision: 'allow',
        });
        expect(res.status).toBe(403);
        expect(res.headers.location).toBeUndefined();
      }
      expect(await codes().count()).toBe(0);
      expect(await consents().count()).toBe(0);

      const res = await browser.postForm('/consent', {
        csrf_token: mine.csrf,
        interaction: mine.interaction,
        decision: 'allow',
      });
      expect(responseParams(res).get('code')).toBeTruthy();
    });

    it('UI-03: a replayed decision is refused; exactly one code exists', async () => {
      const browser = new TestBrowser(t);
      const pending = await openConsentPage(browser);
      const form = { csrf_token: pending.csrf, interaction: pending.interaction, decision: 'allow' };
      const first = await browser.postForm('/consent', form);
      expect(responseParams(first).get('code')).toBeTruthy();
      const replay = await browser.postForm('/consent', form);
      expect(replay.status).toBe(400);
      expect(replay.headers.location).toBeUndefined();
      const deny = await browser.postForm('/consent', { ...form, decision: 'deny' });
      expect(deny.status).toBe(400);
      expect(await codes().count()).toBe(1);
      const page = await browser.get(pending.path);
      expect(page.status).toBe(400);
    });

    it('UI-03: concurrent decisions produce one code', async () => {
      const browser = new TestBrowser(t);
      const pending = await openConsentPage(browser);
      const form = { csrf_token: pending.csrf, interaction: pending.interaction, decision: 'allow' };
      const answers = await Promise.all(Array.from({ length: 5 }, () => browser.postForm('/consent', form)));
      expect(answers.filter((res) => res.status === 303)).toHaveLength(1);
      expect(await codes().count()).toBe(1);
    });

    it('UI-04: another user cannot see or decide the request; its owner still can', async () => {
      const victim = new TestBrowser(t);
      const pending = await openConsentPage(victim);
      const attacker = new TestBrowser(t);
      await signIn(attacker, 'u2');
      const attackerPage = await attacker.get('/account');
      const attackerCsrf = inputValue(attackerPage.text, 'csrf_token');

      expect((await attacker.get(pending.path)).status).toBe(400);
      const res = await attacker.postForm('/consent', {
        csrf_token: attackerCsrf,
        interaction: pending.interaction,
        decision: 'allow',
      });
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(await codes().count()).toBe(0);

      const owner = await victim.postForm('/consent', {
        csrf_token: pending.csrf,
        interaction: pending.interaction,
        decision: 'allow',
      });
      expect(responseParams(owner).get('code')).toBeTruthy();
      expect((await codes().findOneByOrFail({ clientId: c1.clientId })).userId).toBe(u1);
    });

    it('UI-04: a request started in one browser cannot be finished by logging in from another', async () => {
      const { challenge } = pkcePair();
      const start = await new TestBrowser(t).get(authorizePath(codeParams(c1, challenge)));
      const stolen = locationOf(start).searchParams.get('interaction') as string;
      const other = new TestBrowser(t);
      const res = await signIn(other, 'u2', undefined, `/login?interaction=${stolen}`);
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(await codes().count()).toBe(0);
    });

    it('refuses a decision that is neither allow nor deny', async () => {
      const browser = new TestBrowser(t);
      const pending = await openConsentPage(browser);
      const res = await browser.postForm('/consent', {
        csrf_token: pending.csrf,
        interaction: pending.interaction,
        decision: 'maybe',
      });
      expect(res.status).toBe(400);
      expect(await codes().count()).toBe(0);
    });

    it('refuses an expired request', async () => {
      const browser = new TestBrowser(t);
      const pending = await openConsentPage(browser);
      await t.dataSource
        .createQueryBuilder()
        .update(AuthorizationRequestEntity)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .execute();
      const res = await browser.postForm('/consent', {
        csrf_token: pending.csrf,
        interaction: pending.interaction,
        decision: 'allow',
      });
      expect(res.status).toBe(400);
      expect(await codes().count()).toBe(0);
    });
  });

  it('escapes the client name on the consent page (DR-10)', async () => {
    const hostile = await createClient(t, { name: '<script>alert(1)</script> & "Co" \u202e' });
    const browser = new TestBrowser(t);
    const { challenge } = pkcePair();
    const start = await browser.get(authorizePath(codeParams(hostile, challenge)));
    const afterLogin = await signIn(browser, 'u1', undefined, locationOf(start).pathname + locationOf(start).search);
    const page = await browser.get(locationOf(afterLogin).pathname + locationOf(afterLogin).search);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
  });

  it('AZ-28: POST /oauth/authorize (form) runs the same flow with 303 answers', async () => {
    const browser = new TestBrowser(t);
    const { verifier, challenge } = pkcePair();
    const start = await browser.postForm('/oauth/authorize', codeParams(c1, challenge, { state: 'post' }));
    expect(start.status).toBe(303);
    const afterLogin = await signIn(browser, 'u1', undefined, locationOf(start).pathname + locationOf(start).search);
    const res = await decide(browser, locationOf(afterLogin).pathname + locationOf(afterLogin).search, 'allow');
    expect(responseParams(res).get('state')).toBe('post');
    const token = await redeemCode(t, c1, responseParams(res).get('code') as string, verifier);
    expect(token.status).toBe(200);
  });
});

describe('authorization endpoint faults', () => {
  let t: TestApp;
  let failure: Error;

  beforeAll(async () => {
    t = await createTestApp({
      override: (builder) =>
        builder.overrideProvider(AuthorizationCodesService).useValue({ create: () => Promise.reject(failure) }),
    });
    await createUser(t, { username: 'u1' });
  });

  afterAll(async () => {
    await t.close();
  });

  async function authorizeWithFault(state: string) {
    const client = await createClient(t);
    const { challenge } = pkcePair();
    const res = await authorizeThrough(new TestBrowser(t), {
      response_type: 'code',
      client_id: client.clientId,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
    });
    expect(res.status).toBe(303);
    expect((res.headers.location as string).startsWith(`${client.redirectUri}?`)).toBe(true);
    expect(res.headers.location).not.toMatch(/exploded|db-7|SELECT|ECONNREFUSED/);
    return responseParams(res);
  }

  it('HY-10: a failure after the redirect URI is trusted answers redir(server_error) without details', async () => {
    failure = new Error('database exploded at db-7.internal: SELECT secret');
    const params = await authorizeWithFault('fault');
    expect(params.get('error')).toBe('server_error');
    expect(params.get('state')).toBe('fault');
    expect(params.has('code')).toBe(false);
  });

  it('answers redir(temporarily_unavailable) when the database cannot be reached', async () => {
    failure = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:3306'), { code: 'ECONNREFUSED' });
    const params = await authorizeWithFault('outage');
    expect(params.get('error')).toBe('temporarily_unavailable');
    expect(params.get('state')).toBe('outage');
  });
});

describe('implicit grant (RFC 6749 §4.2)', () => {
  let t: TestApp;
  let issuer: string;
  let implicitClient: TestClient;
  let codeOnly: TestClient;

  beforeAll(async () => {
    t = await createTestApp({ env: { ALLOW_IMPLICIT_GRANT: 'true' } });
    issuer = t.get<{ issuer: string }>(oauthConfig.KEY).issuer;
    await createUser(t, { username: 'u1' });
    implicitClient = await createClient(t, {
      name: 'SPA',
      isPublic: true,
      grantTypes: ['implicit'],
      scope: 'profile notes:read',
      redirectUris: ['https://spa.example/cb'],
    });
    codeOnly = await createClient(t, { name: 'Web' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('puts the access token in the fragment, never a refresh token', async () => {
    const browser = new TestBrowser(t);
    const res = await authorizeThrough(browser, {
      response_type: 'token',
      client_id: implicitClient.clientId,
      scope: 'profile',
      state: 'imp licit',
    });
    expect(res.status).toBe(303);
    const location = locationOf(res);
    expect(`${location.origin}${location.pathname}`).toBe('https://spa.example/cb');
    expect(location.search).toBe('');
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get('token_type')).toBe('Bearer');
    expect(fragment.get('expires_in')).toBe('600');
    expect(fragment.get('scope')).toBe('profile');
    expect(fragment.get('state')).toBe('imp licit');
    expect(fragment.get('iss')).toBe(issuer);
    expect(fragment.has('refresh_token')).toBe(false);
    expect(fragment.has('code')).toBe(false);
    const claims = await activeAccessTokenClaims(t, fragment.get('access_token') as string);
    expect(claims).toMatchObject({ client_id: implicitClient.clientId, scope: 'profile' });
    const me = await request(t.server)
      .get('/api/me')
      .set('authorization', `Bearer ${fragment.get('access_token')}`);
    expect(me.status).toBe(200);

    const again = await browser.get(
      authorizePath({ response_type: 'token', client_id: implicitClient.clientId, scope: 'profile' }),
    );
    expect(again.status).toBe(302);
    expect(new URLSearchParams(locationOf(again).hash.slice(1)).get('access_token')).toBeTruthy();
  });

  it('answers unauthorized_client in the fragment for a client not registered for implicit', async () => {
    const res = await new TestBrowser(t).get(
      authorizePath({ response_type: 'token', client_id: codeOnly.clientId, state: 's' }),
    );
    expect(res.status).toBe(302);
    const fragment = new URLSearchParams(locationOf(res).hash.slice(1));
    expect(fragment.get('error')).toBe('unauthorized_client');
    expect(fragment.get('state')).toBe('s');
    expect(fragment.get('iss')).toBe(issuer);
  });

  it('answers a denial in the fragment', async () => {
    const res = await authorizeThrough(
      new TestBrowser(t),
      { response_type: 'token', client_id: implicitClient.clientId, state: 'd' },
      { decision: 'deny' },
    );
    const fragment = new URLSearchParams(locationOf(res).hash.slice(1));
    expect(fragment.get('error')).toBe('access_denied');
    expect(fragment.get('state')).toBe('d');
  });
});
