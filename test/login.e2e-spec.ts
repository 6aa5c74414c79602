import { createHash } from 'node:crypto';
import request from 'supertest';
import { IsNull, Not } from 'typeorm';
import { LoginSessionEntity } from '../src/consent/login-session.entity';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, pkcePair } from './utils/fixtures';
import { authorizePath, inputValue, locationOf, signIn, TestBrowser } from './utils/session';

const PASSWORD = 'correct horse battery';

function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function setCookieLine(res: request.Response): string {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  const line = header?.find((value) => /tollgate_session=/.test(value));
  if (!line) throw new Error('no session cookie was set');
  return line;
}

/** SECURITY-CASES A10 (UI-01, UI-05, UI-07, UI-09) and the login page itself. */
describe('GET/POST /login', () => {
  let t: TestApp;
  const sessions = () => t.dataSource.getRepository(LoginSessionEntity);

  beforeAll(async () => {
    // At the production password-hash cost: the timing test compares a wrong password with an
    // unknown user's dummy check, which must cost as much.
    t = await createTestApp({ env: { PASSWORD_HASH_MEMORY_KIB: '19456', PASSWORD_HASH_ITERATIONS: '2' } });
    await createUser(t, { username: 'u1', password: PASSWORD });
    await createUser(t, { username: 'u2', password: PASSWORD });
  });

  afterAll(async () => {
    await t.close();
  });

  it('shows an accessible form with username, password and a CSRF token, never cached or framed', async () => {
    const res = await request(t.server).get('/login');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.text).toContain('<meta name="viewport"');
    expect(res.text).toMatch(/<form method="post" action="\/login">/);
    expect(res.text).toMatch(/<label for="username">/);
    expect(res.text).toMatch(/<input type="text" id="username" name="username"/);
    expect(res.text).toMatch(/<label for="password">/);
    expect(res.text).toMatch(/<input type="password" id="password" name="password"/);
    expect(inputValue(res.text, 'csrf_token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.text).not.toMatch(/<script/i);
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, Path=/, not Secure on an http issuer', async () => {
    const line = setCookieLine(await request(t.server).get('/login'));
    expect(line).toMatch(/^tollgate_session=[A-Za-z0-9_-]{43};/);
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Lax/);
    expect(line).toMatch(/; Path=\//);
    expect(line).not.toMatch(/; Secure/);
  });

  it('stores only a hash of the session id', async () => {
    const browser = new TestBrowser(t);
    await browser.get('/login');
    const token = browser.sessionCookie as string;
    expect(await sessions().existsBy({ id: token })).toBe(false);
    expect(await sessions().existsBy({ id: sha256Hex(token) })).toBe(true);
  });

  it('signs in and lands on the account page', async () => {
    const browser = new TestBrowser(t);
    const res = await signIn(browser, 'u1');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account');
    const account = await browser.get('/account');
    expect(account.status).toBe(200);
    expect(account.text).toContain('Signed in as u1');
  });

  describe('UI-01: CSRF', () => {
    it.each([
      ['without a token', undefined],
      ['with an empty token', ''],
      ['with a wrong token', 'A'.repeat(43)],
    ])('refuses a login %s with 403 and creates no session', async (_name, csrf) => {
      const browser = new TestBrowser(t);
      await browser.get('/login');
      const before = browser.sessionCookie;
      const signedInBefore = await sessions().countBy({ userId: Not(IsNull()) });
      const res = await browser.postForm('/login', { username: 'u1', password: PASSWORD, csrf_token: csrf });
      expect(res.status).toBe(403);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers.location).toBeUndefined();
      expect(browser.sessionCookie).toBe(before);
      expect(await sessions().countBy({ userId: Not(IsNull()) })).toBe(signedInBefore);
      expect((await browser.get('/account')).status).toBe(302);
    });

    it('refuses the CSRF token of another session', async () => {
      const other = new TestBrowser(t);
      const otherPage = await other.get('/login');
      const browser = new TestBrowser(t);
      await browser.get('/login');
      const res = await browser.postForm('/login', {
        username: 'u1',
        password: PASSWORD,
        csrf_token: inputValue(otherPage.text, 'csrf_token'),
      });
      expect(res.status).toBe(403);
      expect((await browser.get('/account')).status).toBe(302);
    });

    it('refuses a login without any session cookie', async () => {
      const page = await request(t.server).get('/login');
      const res = await new TestBrowser(t).postForm('/login', {
        username: 'u1',
        password: PASSWORD,
        csrf_token: inputValue(page.text, 'csrf_token'),
      });
      expect(res.status).toBe(403);
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('refuses a JSON body', async () => {
      const browser = new TestBrowser(t);
      const page = await browser.get('/login');
      const res = await request(t.server)
        .post('/login')
        .set('cookie', `tollgate_session=${browser.sessionCookie}`)
        .set('content-type', 'application/json')
        .send(JSON.stringify({ username: 'u1', password: PASSWORD, csrf_token: inputValue(page.text, 'csrf_token') }));
      expect(res.status).toBe(400);
      expect(res.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('UI-05: session fixation', () => {
    it('gives a new session id at login; the old one is dead', async () => {
      const browser = new TestBrowser(t);
      await browser.get('/login');
      const planted = browser.sessionCookie as string;
      const res = await signIn(browser, 'u1');
      expect(res.status).toBe(303);
      const fresh = browser.sessionCookie as string;
      expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(fresh).not.toBe(planted);
      expect(await sessions().existsBy({ id: sha256Hex(planted) })).toBe(false);

      // The attacker who planted the id holds nothing.
      const attacker = new TestBrowser(t);
      attacker.setCookie('tollgate_session', planted);
      const account = await attacker.get('/account');
      expect(account.status).toBe(302);
      expect(account.headers.location).toBe('/login?return_to=%2Faccount');
      expect((await browser.get('/account')).status).toBe(200);
    });

    it('ignores a session id the server never issued', async () => {
      const browser = new TestBrowser(t);
      const invented = 'B'.repeat(43);
      browser.setCookie('tollgate_session', invented);
      await browser.get('/login');
      expect(browser.sessionCookie).not.toBe(invented);
      await signIn(browser, 'u1');
      expect(browser.sessionCookie).not.toBe(invented);
      expect(await sessions().existsBy({ id: sha256Hex(invented) })).toBe(false);
    });

    it('gives a new session id at re-authentication (prompt=login) too', async () => {
      const client = await createClient(t, { name: 'Reauth' });
      const { challenge } = pkcePair();
      const browser = new TestBrowser(t);
      await signIn(browser, 'u1');
      const first = browser.sessionCookie as string;
      const start = await browser.get(
        authorizePath({
          response_type: 'code',
          client_id: client.clientId,
          code_challenge: challenge,
          code_challenge_method: 'S256',
          prompt: 'login',
        }),
      );
      expect(locationOf(start).pathname).toBe('/login');
      const res = await signIn(browser, 'u1', PASSWORD, locationOf(start).pathname + locationOf(start).search);
      expect(res.status).toBe(303);
      expect(locationOf(res).pathname).toBe('/consent');
      expect(browser.sessionCookie).not.toBe(first);
      expect(await sessions().existsBy({ id: sha256Hex(first) })).toBe(false);
    });
  });

  describe('wrong credentials', () => {
    async function failedLogin(username: string, password: string) {
      const browser = new TestBrowser(t);
      const page = await browser.get('/login');
      const started = process.hrtime.bigint();
      const res = await browser.postForm('/login', {
        username,
        password,
        csrf_token: inputValue(page.text, 'csrf_token'),
      });
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      return { res, elapsedMs, csrf: inputValue(page.text, 'csrf_token') as string };
    }

    it('keeps naming the application after a wrong password', async () => {
      const client = await createClient(t, { name: 'Notes for Teams' });
      const { challenge } = pkcePair();
      const browser = new TestBrowser(t);
      const start = await browser.get(
        authorizePath({
          response_type: 'code',
          client_id: client.clientId,
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      const form = await browser.get(locationOf(start).pathname + locationOf(start).search);
      expect(form.text).toContain('Sign in to continue to <strong>Notes for Teams</strong>');
      const res = await browser.postForm('/login', {
        username: 'u1',
        password: 'wrong password',
        csrf_token: inputValue(form.text, 'csrf_token'),
        interaction: inputValue(form.text, 'interaction'),
      });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Wrong username or password.');
      expect(res.text).toContain('Sign in to continue to <strong>Notes for Teams</strong>');
    });

    it('answers an unknown user and a wrong password the same way', async () => {
      const unknown = await failedLogin('nobody', PASSWORD);
      const wrong = await failedLogin('u1', 'wrong password');
      for (const { res } of [unknown, wrong]) {
        expect(res.status).toBe(400);
        expect(res.headers['set-cookie']).toBeUndefined();
        expect(res.text).toContain('Wrong username or password.');
      }
      const normalise = (html: string, csrf: string, username: string) =>
        html.replace(csrf, 'CSRF').replace(`value="${username}"`, 'value="USER"');
      expect(normalise(unknown.res.text, unknown.csrf, 'nobody')).toBe(normalise(wrong.res.text, wrong.csrf, 'u1'));
    });

    it('spends similar time on an unknown user and a wrong password', async () => {
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const unknown: number[] = [];
      const wrong: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        unknown.push((await failedLogin(`nobody${i}`, PASSWORD)).elapsedMs);
        wrong.push((await failedLogin('u2', `wrong password ${i}`)).elapsedMs);
      }
      // Without the dummy argon2 verification an unknown user answers in ~1 ms against ~100+ ms.
      expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.3);
      expect(median(unknown)).toBeLessThan(median(wrong) * 3);
    });

    it('keeps the typed username, escaped, and never echoes the password', async () => {
      const { res } = await failedLogin('"><script>alert(1)</script>', 'secret-password-123');
      expect(res.text).not.toContain('<script>alert(1)');
      expect(res.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
      expect(res.text).not.toContain('secret-password-123');
    });

    it('never writes a password to the log', async () => {
      await failedLogin('u1', 'log-canary-password');
      expect(t.logs.join('\n')).not.toContain('log-canary-password');
    });
  });

  describe('UI-09: return_to stays on this server', () => {
    it.each([
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      'javascript:alert(1)',
      '/\r\nSet-Cookie: x=1',
      ' /account',
      'http:/evil.example',
      '/.//evil.example',
      '/a/..//evil.example/phish',
    ])('ignores return_to=%j', async (returnTo) => {
      const browser = new TestBrowser(t);
      const res = await signIn(browser, 'u1', PASSWORD, `/login?return_to=${encodeURIComponent(returnTo)}`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account');
    });

    it.each(['/.//evil.example', decodeURIComponent('%2F%2e%2e%2F%2Fevil.example%2Fphish')])(
      'R2-01: keeps a signed-in user opening /login?return_to=%j on this server',
      async (returnTo) => {
        const browser = new TestBrowser(t);
        await signIn(browser, 'u1', PASSWORD);
        const res = await browser.get(`/login?return_to=${encodeURIComponent(returnTo)}`);
        expect(res.status).toBe(302);
        expect(res.headers.location).toBe('/account');
      },
    );

    it('ignores an external return_to posted directly', async () => {
      const browser = new TestBrowser(t);
      const page = await browser.get('/login');
      const res = await browser.postForm('/login', {
        username: 'u1',
        password: PASSWORD,
        csrf_token: inputValue(page.text, 'csrf_token'),
        return_to: '//evil.example/x',
      });
      expect(res.headers.location).toBe('/account');
    });

    it('follows an internal return_to', async () => {
      const res = await signIn(
        new TestBrowser(t),
        'u1',
        PASSWORD,
        `/login?return_to=${encodeURIComponent('/account?tab=1')}`,
      );
      expect(res.headers.location).toBe('/account?tab=1');
    });
  });

  it('HY-01/HY-02: refuses an oversized login body or too many fields with 413, then still serves', async () => {
    const browser = new TestBrowser(t);
    const page = await browser.get('/login');
    const csrf = inputValue(page.text, 'csrf_token');
    const big = await browser.postForm('/login', { username: 'u1', password: 'x'.repeat(200_000), csrf_token: csrf });
    expect(big.status).toBe(413);
    const fields: Record<string, string> = { csrf_token: csrf as string };
    for (let i = 0; i < 200; i += 1) fields[`f${i}`] = 'x';
    expect((await browser.postForm('/login', fields)).status).toBe(413);
    const long = await browser.postForm('/login', { username: 'u1', password: 'x'.repeat(5000), csrf_token: csrf });
    expect(long.status).toBe(400);
    expect(long.text).toContain('Wrong username or password.');
    expect((await signIn(browser, 'u1')).status).toBe(303);
  });

  it('sends a signed-in user on from GET /login', async () => {
    const browser = new TestBrowser(t);
    await signIn(browser, 'u1');
    const res = await browser.get('/login');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/account');
  });

  it('names the client on the login page of an authorization request, escaped', async () => {
    const client = await createClient(t, { name: 'Notes <App>' });
    const browser = new TestBrowser(t);
    const { challenge } = pkcePair();
    const start = await browser.get(
      authorizePath({
        response_type: 'code',
        client_id: client.clientId,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    const page = await browser.get(locationOf(start).pathname + locationOf(start).search);
    expect(page.text).toContain('Notes &lt;App&gt;');
  });
});

describe('UI-07: failed logins are throttled fairly (P10)', () => {
  let t: TestApp;
  /** A browser at its own address (the app trusts X-Forwarded-For here, as behind a proxy). */
  const at = (address: string) => new TestBrowser(t, { 'x-forwarded-for': address });

  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_LOGIN_FAILURES_PER_15_MINUTES: '3', TRUST_PROXY: 'true' },
    });
    for (const username of ['u1', 'u2', 'u3', 'u4']) await createUser(t, { username, password: PASSWORD });
  });

  afterAll(async () => {
    await t.close();
  });

  async function attempt(browser: TestBrowser, username: string, password: string) {
    const page = await browser.get('/login');
    return browser.postForm('/login', { username, password, csrf_token: inputValue(page.text, 'csrf_token') });
  }

  it('R2-04: blocks a username at one address after its budget, not the user elsewhere nor other users', async () => {
    const browser = at('192.0.2.10');
    for (let i = 0; i < 3; i += 1) expect((await attempt(browser, 'u1', `wrong ${i}`)).status).toBe(400);
    const blocked = await attempt(browser, 'u1', 'wrong again');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.headers['content-type']).toMatch(/^text\/html/);
    const right = await attempt(browser, 'u1', PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers['set-cookie']).toBeUndefined();
    // The same user from another address, and another user from the same address, sign in.
    expect((await attempt(at('198.51.100.20'), 'u1', PASSWORD)).status).toBe(303);
    expect((await attempt(at('192.0.2.10'), 'u2', PASSWORD)).status).toBe(303);
  });

  it('R2-03: counts parallel wrong passwords before checking them', async () => {
    const browser = at('192.0.2.30');
    const page = await browser.get('/login');
    const csrf = inputValue(page.text, 'csrf_token');
    const statuses = await Promise.all(
      Array.from({ length: 12 }, () =>
        browser.postForm('/login', { username: 'u3', password: 'wrong', csrf_token: csrf }).then((res) => res.status),
      ),
    );
    expect(statuses.filter((status) => status === 400)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(9);
  });

  it('keys a username exactly as it is looked up: failures for U4 do not spend u4’s budget', async () => {
    const browser = at('192.0.2.40');
    for (let i = 0; i < 3; i += 1) expect((await attempt(browser, 'U4', 'wrong')).status).toBe(400);
    expect((await attempt(browser, 'u4', PASSWORD)).status).toBe(303);
  });

  it('blocks an address that tries many usernames, far above one username’s budget', async () => {
    const browser = at('192.0.2.50');
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) statuses.push((await attempt(browser, `guess${i}`, 'wrong')).status);
    expect(statuses.slice(0, 30).every((status) => status === 400)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('session cookie on an https issuer', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { ISSUER: 'https://tollgate.example' } });
    await createUser(t, { username: 'u1', password: PASSWORD });
  });

  afterAll(async () => {
    await t.close();
  });

  it('is Secure and host-only (__Host- prefix), and still signs in', async () => {
    const browser = new TestBrowser(t);
    const page = await browser.get('/login');
    const line = setCookieLine(page);
    expect(line).toMatch(/^__Host-tollgate_session=/);
    expect(line).toMatch(/; Secure/);
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Lax/);
    expect(line).toMatch(/; Path=\//);
    expect(line).not.toMatch(/; Domain=/i);
    const res = await signIn(browser, 'u1');
    expect(res.status).toBe(303);
    expect(setCookieLine(res)).toMatch(/; Secure/);
    expect((await browser.get('/account')).status).toBe(200);
  });
});
