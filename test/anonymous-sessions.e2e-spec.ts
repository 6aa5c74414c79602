import { createHash } from 'node:crypto';
import request from 'supertest';
import { AuthorizationRequestEntity } from '../src/consent/authorization-request.entity';
import { MAX_PENDING_REQUESTS_PER_SESSION } from '../src/consent/authorization-requests.service';
import { LoginSessionEntity } from '../src/consent/login-session.entity';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, pkcePair, TestClient } from './utils/fixtures';
import { authorizePath, locationOf, signIn, TestBrowser } from './utils/session';

const BUDGET = 40;

/** SECURITY-CASES R2-06: signed-out browsers cannot grow the database without bound. */
describe('anonymous sessions and pending requests', () => {
  let t: TestApp;
  let client: TestClient;

  const sessions = () => t.dataSource.getRepository(LoginSessionEntity);
  const pending = () => t.dataSource.getRepository(AuthorizationRequestEntity);
  const authorizeUrl = () =>
    authorizePath({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      state: 'st',
    });
  /** A cookieless request from one address (the app trusts X-Forwarded-For here, as behind a proxy). */
  const cookieless = (path: string, address: string) => request(t.server).get(path).set('x-forwarded-for', address);

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_ANONYMOUS_SESSIONS_PER_ADDRESS: String(BUDGET),
        TRUST_PROXY: 'true',
      },
    });
    client = await createClient(t);
    await createUser(t, { username: 'u1' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('R2-06: 1,000 cookieless authorization requests from one address write at most its budget of rows', async () => {
    const before = { sessions: await sessions().count(), pending: await pending().count() };
    const statuses: Record<string, number> = {};
    for (let i = 0; i < 1000; i += 1) {
      const res = await cookieless(authorizeUrl(), '192.0.2.66');
      const location = locationOf(res);
      const outcome = location.pathname === '/login' ? 'login' : (location.searchParams.get('error') ?? 'other');
      statuses[outcome] = (statuses[outcome] ?? 0) + 1;
    }
    // RFC 6749 §4.1.2.1: past the budget the client hears temporarily_unavailable, with its state.
    expect(statuses).toEqual({ login: BUDGET, temporarily_unavailable: 1000 - BUDGET });
    expect((await sessions().count()) - before.sessions).toBe(BUDGET);
    expect((await pending().count()) - before.pending).toBe(BUDGET);
    // The login page refuses to open yet another session from there, with 429 and Retry-After.
    const page = await cookieless('/login', '192.0.2.66');
    expect(page.status).toBe(429);
    expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
    // Other addresses are not affected.
    expect(locationOf(await cookieless(authorizeUrl(), '198.51.100.66')).pathname).toBe('/login');
  });

  it(`keeps at most ${MAX_PENDING_REQUESTS_PER_SESSION} pending requests per session, dropping the oldest`, async () => {
    const browser = new TestBrowser(t, { 'x-forwarded-for': '192.0.2.77' });
    const interactions: string[] = [];
    for (let i = 0; i < MAX_PENDING_REQUESTS_PER_SESSION + 10; i += 1) {
      const res = await browser.get(authorizeUrl());
      interactions.push(locationOf(res).searchParams.get('interaction') as string);
    }
    const sessionId = createHash('sha256')
      .update(browser.sessionCookie as string)
      .digest('hex');
    const rows = await pending().find({ where: { sessionId } });
    expect(rows).toHaveLength(MAX_PENDING_REQUESTS_PER_SESSION);
    // The newest interaction still works: signing in from it goes on to the consent page.
    const res = await signIn(browser, 'u1', undefined, `/login?interaction=${interactions.at(-1)}`);
    expect(locationOf(res).pathname).toBe('/consent');
  });

  it('gives the session cookie the lifetime of its record: 30 minutes signed out, 8 hours signed in', async () => {
    const browser = new TestBrowser(t, { 'x-forwarded-for': '192.0.2.88' });
    const page = await browser.get('/login');
    expect(cookieLine(page.headers['set-cookie'])).toMatch(/Max-Age=1800(;|$)/);
    const signedIn = await signIn(browser, 'u1');
    expect(signedIn.status).toBe(303);
    expect(cookieLine(signedIn.headers['set-cookie'])).toMatch(/Max-Age=28800(;|$)/);
  });
});

function cookieLine(header: string | string[] | undefined): string {
  const lines = Array.isArray(header) ? header : header ? [header] : [];
  return lines.find((line) => line.startsWith('tollgate_session=')) ?? '';
}
