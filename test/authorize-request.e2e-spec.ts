import request, { Response } from 'supertest';
import { oauthConfig } from '../src/config/oauth.config';
import { AuthorizationCodeEntity } from '../src/tokens/authorization-code.entity';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, pkcePair, TestClient } from './utils/fixtures';
import { authorizePath, decide, locationOf, responseParams, signIn, TestBrowser } from './utils/session';

/** SECURITY-CASES A1: checks of GET|POST /oauth/authorize, in RFC 6749 §4.1.2.1 order. */
describe('GET /oauth/authorize: request checks', () => {
  let t: TestApp;
  let issuer: string;
  /** Signed in, and has allowed c1 every scope: a faulty check would hand out a code at once. */
  let browser: TestBrowser;
  let c1: TestClient;
  let c2: TestClient;
  let c3: TestClient;
  let withQuery: TestClient;
  let credentialsOnly: TestClient;
  let profileOnly: TestClient;
  let exempt: TestClient;
  const { challenge } = pkcePair();

  const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };

  function get(params: Record<string, string | string[] | undefined>): Promise<Response> {
    return browser.get(authorizePath(params));
  }

  function validParams(client: TestClient, extra: Record<string, string | string[] | undefined> = {}) {
    return { response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, ...pkce, ...extra };
  }

  /** SECURITY-CASES §0 `page`: 400, no Location, no-store, an HTML page naming the error. */
  function expectPage(res: Response, error: string): void {
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain(`<code>${error}</code>`);
  }

  /** SECURITY-CASES §0 `redir(e)`: to the registered URI with error, state byte-exact, iss; never a code. */
  function expectRedirectError(
    res: Response,
    redirectUri: string,
    error: string,
    state: string | null,
    status = 302,
  ): URLSearchParams {
    expect(res.status).toBe(status);
    const location = res.headers.location as string;
    expect(['?', '&', '#'].some((separator) => location.startsWith(`${redirectUri}${separator}`))).toBe(true);
    expect(location).not.toMatch(/[\r\n]/);
    const params = responseParams(res);
    expect(params.get('error')).toBe(error);
    expect(params.get('error_description')).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/);
    expect(params.get('iss')).toBe(issuer);
    if (state === null) expect(params.has('state')).toBe(false);
    else expect(params.get('state')).toBe(state);
    expect(params.has('code')).toBe(false);
    expect(params.has('access_token')).toBe(false);
    expect(res.headers['cache-control']).toBe('no-store');
    return params;
  }

  async function codeCount(): Promise<number> {
    return t.dataSource.getRepository(AuthorizationCodeEntity).count();
  }

  beforeAll(async () => {
    t = await createTestApp();
    issuer = t.get<{ issuer: string }>(oauthConfig.KEY).issuer;
    await createUser(t, { username: 'u1' });
    c1 = await createClient(t, { name: 'C1' });
    c2 = await createClient(t, { name: 'C2', isPublic: true, redirectUris: ['http://127.0.0.1/cb'] });
    c3 = await createClient(t, { name: 'C3', redirectUris: ['https://c3.example/a', 'https://c3.example/b'] });
    withQuery = await createClient(t, { name: 'Q', redirectUris: ['https://q.example/cb?a=1'] });
    credentialsOnly = await createClient(t, {
      name: 'CC',
      grantTypes: ['client_credentials'],
      redirectUris: ['https://cc.example/cb'],
    });
    profileOnly = await createClient(t, { name: 'P', scope: 'profile', redirectUris: ['https://p.example/cb'] });
    exempt = await createClient(t, { name: 'Legacy', isPkceExempt: true, redirectUris: ['https://legacy.example/cb'] });

    browser = new TestBrowser(t);
    const start = await get(validParams(c1));
    const afterLogin = await signIn(browser, 'u1', undefined, locationOf(start).pathname + locationOf(start).search);
    const consent = locationOf(afterLogin);
    const allowed = await decide(browser, consent.pathname + consent.search, 'allow');
    expect(allowed.status).toBe(303);
    await t.dataSource.getRepository(AuthorizationCodeEntity).clear();
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers a valid request of the signed-in, consenting user with a code at once (control)', async () => {
    const res = await get(validParams(c1, { state: 'ok' }));
    expect(res.status).toBe(302);
    const params = responseParams(res);
    expect(locationOf(res).href.startsWith('https://c1.example/cb?')).toBe(true);
    expect(params.get('code')).toBeTruthy();
    expect(params.get('state')).toBe('ok');
    await t.dataSource.getRepository(AuthorizationCodeEntity).clear();
  });

  describe('client_id and redirect_uri: an error page, never a redirect', () => {
    afterEach(async () => {
      // AZ-03: no code is issued anywhere for a request answered with a page.
      expect(await codeCount()).toBe(0);
    });

    it('AZ-01: client_id missing', async () => {
      const res = await get({ response_type: 'code', redirect_uri: c1.redirectUri, ...pkce });
      expectPage(res, 'invalid_request');
    });

    it('AZ-02: unknown client_id with an attacker redirect_uri', async () => {
      const res = await get({
        response_type: 'code',
        client_id: 'nope',
        redirect_uri: 'https://attacker.example/',
        ...pkce,
      });
      expectPage(res, 'invalid_client');
      expect(res.text).not.toContain('attacker.example');
    });

    it('AZ-03: unregistered redirect_uri', async () => {
      expectPage(await get(validParams(c1, { redirect_uri: 'https://attacker.example/cb' })), 'invalid_request');
    });

    it.each([
      'https://c1.example/cb/',
      'https://C1.EXAMPLE/cb',
      'https://c1.example/CB',
      'https://c1.example:443/cb',
      'https://c1.example/cb?x=1',
      'https://c1.example/cb#f',
      'https://c1.example/cb#',
      'https://c1.example/cb/../x',
      'https://c1.example/cb/..;/x',
      'https://c1.example/cb/%2e%2e/x',
      'https://c1.example/%252e/cb',
      'https://c1.example/c%62',
      'https://c1.example@evil.example/cb',
      'https://c1.example.evil.example/cb',
      'https:\\\\evil.example',
      'http://c1.example/cb',
      'https://c1.example/cb ',
      'https://c1.example/cb%00',
      'https://c1.example/cb\u200b',
      'https://c1.exampl\u00e9/cb',
    ])('AZ-04: %j is not an exact match', async (redirectUri) => {
      expectPage(await get(validParams(c1, { redirect_uri: redirectUri })), 'invalid_request');
    });

    it('AZ-04: a changed registered query does not match', async () => {
      expectPage(await get(validParams(withQuery, { redirect_uri: 'https://q.example/cb?a=2' })), 'invalid_request');
      expectPage(
        await get(validParams(withQuery, { redirect_uri: 'https://q.example/cb?a=1&b=2' })),
        'invalid_request',
      );
    });

    it('AZ-06: redirect_uri omitted although two are registered', async () => {
      expectPage(await get(validParams(c3, { redirect_uri: undefined })), 'invalid_request');
    });

    it.each([
      'http://127.0.0.1:49152/cb?x=1',
      'http://127.0.0.1:49152/other',
      'http://localhost:49152/cb',
      'http://127.0.0.2/cb',
      'https://127.0.0.1:49152/cb',
      'http://127.0.0.1:49152/cb/',
    ])('AZ-09: loopback %j differs in more than the port', async (redirectUri) => {
      expectPage(await get(validParams(c2, { redirect_uri: redirectUri })), 'invalid_request');
    });

    it('AZ-17: client_id repeated', async () => {
      expectPage(await get({ ...validParams(c1), client_id: [c1.clientId, c1.clientId] }), 'invalid_request');
    });

    it('AZ-17: redirect_uri repeated', async () => {
      expectPage(await get(validParams(c1, { redirect_uri: [c1.redirectUri, c1.redirectUri] })), 'invalid_request');
    });

    it('HY-05/HY-06: a mutated or hostile client_id is unknown, never folded into a match', async () => {
      const mutations = [
        `${c1.clientId} `,
        `${c1.clientId}\u0000`,
        `${c1.clientId}\u200b`,
        c1.clientId.toUpperCase() === c1.clientId ? c1.clientId.toLowerCase() : c1.clientId.toUpperCase(),
        "' OR '1'='1",
        '";DROP TABLE oauth_clients;--',
        '\\',
        'x'.repeat(65),
      ];
      for (const clientId of mutations) {
        expectPage(await get(validParams(c1, { client_id: clientId })), 'invalid_client');
      }
    });

    it('HY-03: bracketed keys are plain unknown parameters, never objects', async () => {
      expectPage(await get({ response_type: 'code', 'client_id[]': c1.clientId, ...pkce }), 'invalid_request');
      expectPage(
        await get({ ...validParams(c3, { redirect_uri: undefined }), 'redirect_uri[$ne]': '' }),
        'invalid_request',
      );
    });

    it('refuses a client without any redirect URI', async () => {
      const noRedirect = await createClient(t, { name: 'M2M', grantTypes: ['client_credentials'], redirectUris: [] });
      expectPage(await get(validParams(noRedirect, { redirect_uri: undefined })), 'invalid_request');
    });

    it('escapes what it shows', async () => {
      const res = await get({ response_type: 'code', client_id: '<script>x</script>', ...pkce });
      expectPage(res, 'invalid_client');
      expect(res.text).not.toContain('<script>');
    });

    it('AZ-28: POST with a JSON body is refused with a page', async () => {
      const res = await request(t.server)
        .post('/oauth/authorize')
        .set('content-type', 'application/json')
        .send(JSON.stringify(validParams(c1)));
      expectPage(res, 'invalid_request');
    });

    it('HY-02: a 100 KB query string is refused without a 5xx', async () => {
      const res = await get(validParams(c1, { state: 'x'.repeat(100_000) }));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });
  });

  describe('later errors: a redirect to the client', () => {
    afterEach(async () => {
      expect(await codeCount()).toBe(0);
    });

    it('AZ-08: a loopback redirect of a native client matches on any port', async () => {
      const res = await get(
        validParams(c2, { redirect_uri: 'http://127.0.0.1:49152/cb', response_type: 'foo', state: 's' }),
      );
      expectRedirectError(res, 'http://127.0.0.1:49152/cb', 'unsupported_response_type', 's');
    });

    it('AZ-10: response_type missing', async () => {
      const res = await get(validParams(c1, { response_type: undefined, state: 'st' }));
      expectRedirectError(res, c1.redirectUri, 'invalid_request', 'st');
    });

    it.each(['code token', 'foo', 'CODE', 'code '])('AZ-11: response_type=%j', async (responseType) => {
      const res = await get(validParams(c1, { response_type: responseType, state: 'st' }));
      expectRedirectError(res, c1.redirectUri, 'unsupported_response_type', 'st');
    });

    it('AZ-11: response_type=token while the implicit grant is off (answered in the fragment)', async () => {
      const res = await get(validParams(c1, { response_type: 'token', state: 'st' }));
      expectRedirectError(res, c1.redirectUri, 'unsupported_response_type', 'st');
      expect(locationOf(res).hash).toContain('error=unsupported_response_type');
    });

    it('AZ-12: client not registered for authorization_code', async () => {
      const res = await get(validParams(credentialsOnly, { state: 'st' }));
      expectRedirectError(res, credentialsOnly.redirectUri, 'unauthorized_client', 'st');
    });

    it.each(['admin', 'profile admin', 'openid'])('AZ-13: unknown scope %j', async (scope) => {
      const res = await get(validParams(c1, { scope, state: 'st' }));
      expectRedirectError(res, c1.redirectUri, 'invalid_scope', 'st');
    });

    it('AZ-13: a known scope the client is not registered for', async () => {
      const res = await get(validParams(profileOnly, { scope: 'profile notes:read', state: 'st' }));
      expectRedirectError(res, profileOnly.redirectUri, 'invalid_scope', 'st');
    });

    it.each(['a\nb', 'a"b', 'a\\b', 'profile\r\nSet-Cookie: x=1', 'profile  notes:read', ' profile'])(
      'AZ-14: scope outside the grammar %j',
      async (scope) => {
        const res = await get(validParams(c1, { scope, state: 'st' }));
        expectRedirectError(res, c1.redirectUri, 'invalid_scope', 'st');
        expect(res.headers['set-cookie']).toBeUndefined();
      },
    );

    it('AZ-16: a repeated state is refused and not echoed', async () => {
      const res = await get(validParams(c1, { state: ['a', 'b'] }));
      expectRedirectError(res, c1.redirectUri, 'invalid_request', null);
    });

    it.each(['response_type', 'code_challenge', 'code_challenge_method', 'scope', 'prompt'])(
      'AZ-16: %s repeated',
      async (name) => {
        const params: Record<string, string | string[] | undefined> = validParams(c1, {
          state: 'st',
          scope: 'profile',
        });
        const value = String(params[name] ?? 'none');
        params[name] = [value, value];
        const res = await get(params);
        expectRedirectError(res, c1.redirectUri, 'invalid_request', 'st');
      },
    );

    it('AZ-19: no code_challenge', async () => {
      const res = await get(
        validParams(c1, { code_challenge: undefined, code_challenge_method: undefined, state: 'st' }),
      );
      const params = expectRedirectError(res, c1.redirectUri, 'invalid_request', 'st');
      expect(params.get('error_description')).toMatch(/code challenge is required/i);
    });

    it('AZ-19: a public client needs PKCE too', async () => {
      const res = await get(validParams(c2, { code_challenge: undefined, code_challenge_method: undefined }));
      expectRedirectError(res, c2.redirectUri, 'invalid_request', null);
    });

    it('AZ-20: code_challenge_method=plain', async () => {
      const res = await get(validParams(c1, { code_challenge_method: 'plain', state: 'st' }));
      const params = expectRedirectError(res, c1.redirectUri, 'invalid_request', 'st');
      expect(params.get('error_description')).toMatch(/transform algorithm not supported/i);
    });

    it.each([
      ['a challenge without a method', { code_challenge_method: undefined }],
      ['a method without a challenge', { code_challenge: undefined }],
      ['S512', { code_challenge_method: 'S512' }],
      ['s256 in lower case', { code_challenge_method: 's256' }],
    ])('AZ-21: %s', async (_name, override) => {
      const res = await get(validParams(c1, { ...override, state: 'st' }));
      expectRedirectError(res, c1.redirectUri, 'invalid_request', 'st');
    });

    it.each([
      ['42 characters', 'a'.repeat(42)],
      ['129 characters', 'a'.repeat(129)],
      ['an &', `${'a'.repeat(42)}&`],
      ['a +', `${'a'.repeat(42)}+`],
      ['an =', `${'a'.repeat(42)}=`],
      ['a /', `${'a'.repeat(42)}/`],
    ])('AZ-22: code_challenge with %s', async (_name, value) => {
      const res = await get(validParams(c1, { code_challenge: value, state: 'st' }));
      expectRedirectError(res, c1.redirectUri, 'invalid_request', 'st');
    });

    it.each(['foo', 'none login', 'none consent', 'select_account'])('refuses prompt=%j', async (prompt) => {
      const res = await get(validParams(c1, { prompt, state: 'st' }));
      expectRedirectError(res, c1.redirectUri, 'invalid_request', 'st');
    });

    it('refuses a state longer than 2048 characters without echoing it', async () => {
      const res = await get(validParams(c1, { state: 's'.repeat(2049) }));
      expectRedirectError(res, c1.redirectUri, 'invalid_request', null);
    });

    it('HY-08: CR/LF in state cannot inject a header', async () => {
      const state = '\r\nSet-Cookie: x=1\r\n\r\n<html>';
      const res = await get(validParams(c1, { response_type: 'foo', state }));
      expectRedirectError(res, c1.redirectUri, 'unsupported_response_type', state);
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('keeps the registered query of the redirect URI as registered', async () => {
      const res = await get(validParams(withQuery, { response_type: 'foo', state: 'st' }));
      expectRedirectError(res, 'https://q.example/cb?a=1', 'unsupported_response_type', 'st');
      expect(res.headers.location).toMatch(/^https:\/\/q\.example\/cb\?a=1&error=/);
    });

    it('AZ-28: POST (form) answers the same errors with 303', async () => {
      const res = await browser.postForm('/oauth/authorize', validParams(c1, { scope: 'admin', state: 'st' }));
      expectRedirectError(res, c1.redirectUri, 'invalid_scope', 'st', 303);
    });

    it('HY-05: SQL text in state and scope is an ordinary error', async () => {
      const state = "' OR '1'='1";
      const res = await get(validParams(c1, { scope: "profile';DROP TABLE users;--", state }));
      expectRedirectError(res, c1.redirectUri, 'invalid_scope', state);
    });
  });

  describe('accepted variants', () => {
    it('omits redirect_uri when exactly one is registered, and binds the code to null', async () => {
      const res = await get(validParams(c1, { redirect_uri: undefined }));
      expect(res.status).toBe(302);
      expect(locationOf(res).href.startsWith(`${c1.redirectUri}?code=`)).toBe(true);
      const row = await t.dataSource.getRepository(AuthorizationCodeEntity).findOneByOrFail({ clientId: c1.clientId });
      expect(row.redirectUri).toBeNull();
      await t.dataSource.getRepository(AuthorizationCodeEntity).clear();
    });

    it('treats an empty parameter as omitted (RFC 6749 §3.1)', async () => {
      const res = await get(validParams(c1, { state: '', scope: '' }));
      expect(res.status).toBe(302);
      expect(responseParams(res).has('state')).toBe(false);
      expect(responseParams(res).get('code')).toBeTruthy();
      await t.dataSource.getRepository(AuthorizationCodeEntity).clear();
    });

    it('lets an operator-exempted client go without PKCE', async () => {
      const res = await get(validParams(exempt, { code_challenge: undefined, code_challenge_method: undefined }));
      expect(res.status).toBe(302);
      expect(locationOf(res).pathname).toBe('/consent');
    });

    it('ignores unknown parameters (RFC 6749 §3.1)', async () => {
      const res = await get(validParams(c1, { foo: 'bar', 'scope[0]': 'x' }));
      expect(res.status).toBe(302);
      expect(responseParams(res).get('code')).toBeTruthy();
      await t.dataSource.getRepository(AuthorizationCodeEntity).clear();
    });
  });
});
