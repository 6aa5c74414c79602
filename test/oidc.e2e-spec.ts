import { createHash } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import request from 'supertest';
import { LoginSessionEntity } from '../src/consent/login-session.entity';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, TestClient, TestUser } from './utils/fixtures';
import { decodeJwt } from './utils/jwt';
import { expectOAuthError, redeemCode } from './utils/oauth';
import { authorizePath, authorizeThrough, inputValue, locationOf, TestBrowser } from './utils/session';

/**
 * The issuer is https, as in production. The libraries talk to it with every check on (no
 * allowInsecureRequests); their fetch is routed to the in-process server on a loopback port, which
 * is what a TLS-terminating proxy in front of Tollgate does.
 */
const ISSUER = 'https://auth.example.com';
const USERINFO = `${ISSUER}/oauth/userinfo`;
const API = `${ISSUER}/api`;
const REDIRECT_URI = 'https://rp.example/cb';
const SIGNED_OUT_URI = 'https://rp.example/signed-out';

type IdTokenClaims = Record<string, unknown>;

function atHashOf(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}

describe('OpenID Connect (Core 1.0, Discovery 1.0) with openid-client and oauth4webapi', () => {
  let t: TestApp;
  let routeToApp: (url: string, init: RequestInit) => Promise<Response>;
  let rp: TestClient;
  let oauthOnly: TestClient;
  let alice: TestUser;
  let config: client.Configuration;

  beforeAll(async () => {
    t = await createTestApp({ env: { ISSUER } });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as { port: number };
    routeToApp = (url, init) => fetch(url.replace(ISSUER, `http://127.0.0.1:${port}`), init);
    rp = await createClient(t, {
      name: 'Relying party',
      redirectUris: [REDIRECT_URI],
      scope: 'openid profile email notes:read',
      postLogoutRedirectUris: [SIGNED_OUT_URI],
    });
    oauthOnly = await createClient(t, { name: 'OAuth only', redirectUris: [REDIRECT_URI] });
    alice = await createUser(t, { email: 'alice@example.com', name: 'Alice Liddell' });
    config = await client.discovery(
      new URL(ISSUER),
      rp.clientId,
      undefined,
      client.ClientSecretBasic(rp.clientSecret as string),
      // Non-repudiation: openid-client verifies the ID token's signature against jwks_uri too.
      { [client.customFetch]: routeToApp, execute: [client.enableNonRepudiationChecks] },
    );
    config[client.customFetch] = routeToApp;
  });

  afterAll(async () => {
    await t.close();
  });

  /** Runs the browser part of an authorization URL (login and consent through the forms), returns the callback. */
  async function callbackOf(browser: TestBrowser, url: URL, options: { username?: string } = {}): Promise<URL> {
    const res = await authorizeThrough(browser, Object.fromEntries(url.searchParams), {
      username: options.username ?? alice.username,
    });
    const location = locationOf(res);
    expect(location.origin + location.pathname).toBe(REDIRECT_URI);
    return location;
  }

  async function openIdLogin(browser = new TestBrowser(t), extra: Record<string, string> = {}) {
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
      ...extra,
    });
    const callback = await callbackOf(browser, url);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    return { browser, tokens, nonce, verifier, callback };
  }

  async function sessionOf(browser: TestBrowser): Promise<LoginSessionEntity> {
    const cookie = browser.sessionCookie as string;
    const id = createHash('sha256').update(cookie).digest('hex');
    return t.dataSource.getRepository(LoginSessionEntity).findOneByOrFail({ id });
  }

  describe('discovery', () => {
    it('serves the RFC 8414 document plus the OpenID Provider fields (Discovery §3)', async () => {
      const [openid, rfc8414] = await Promise.all([
        request(t.server).get('/.well-known/openid-configuration'),
        request(t.server).get('/.well-known/oauth-authorization-server'),
      ]);
      expect(openid.status).toBe(200);
      expect(openid.headers['content-type']).toMatch(/^application\/json/);
      expect(openid.body).toEqual({
        ...rfc8414.body,
        userinfo_endpoint: USERINFO,
        end_session_endpoint: `${ISSUER}/oauth/logout`,
        id_token_signing_alg_values_supported: ['ES256'],
        subject_types_supported: ['public'],
        claims_supported: expect.arrayContaining([
          'sub',
          'auth_time',
          'nonce',
          'preferred_username',
          'name',
          'email',
          'email_verified',
        ]),
        prompt_values_supported: ['none', 'login', 'consent'],
        claims_parameter_supported: false,
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
      });
      expect(openid.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));
      expect(openid.body.response_types_supported).toEqual(['code']);
    });

    it('is what openid-client discovered', () => {
      const metadata = config.serverMetadata();
      expect(metadata.issuer).toBe(ISSUER);
      expect(metadata.userinfo_endpoint).toBe(USERINFO);
      expect(metadata.end_session_endpoint).toBe(`${ISSUER}/oauth/logout`);
    });
  });

  describe('authorization code flow with openid-client', () => {
    it('R2-17 issues an ID token with the exact claims: nonce echoed, at_hash of the access token, real auth_time', async () => {
      const before = Math.floor(Date.now() / 1000);
      const { browser, tokens, nonce } = await openIdLogin();
      const after = Math.ceil(Date.now() / 1000);
      const idToken = tokens.id_token as string;
      const { header } = decodeJwt(idToken);
      const jwks = await request(t.server).get('/oauth/jwks');
      expect(header).toEqual({ alg: 'ES256', typ: 'JWT', kid: expect.any(String) });
      expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toContain(header.kid);

      const claims = tokens.claims() as IdTokenClaims;
      const session = await sessionOf(browser);
      expect(claims).toEqual({
        iss: ISSUER,
        sub: alice.id,
        aud: rp.clientId,
        azp: rp.clientId,
        exp: (claims.iat as number) + 600,
        iat: expect.any(Number),
        auth_time: Math.floor((session.authenticatedAt as Date).getTime() / 1000),
        nonce,
        at_hash: atHashOf(tokens.access_token),
        sid: session.sid,
      });
      expect(claims.auth_time).toBeGreaterThanOrEqual(before);
      expect(claims.auth_time).toBeLessThanOrEqual(after);
      // sid names the sign-in, not the cookie.
      expect(claims.sid).not.toBe(browser.sessionCookie);
      expect(claims.sid).not.toBe(session.id);
      expect(tokens.scope).toBe('openid profile email');
      // The access token is for the default resource and for UserInfo (the resource of openid).
      expect(decodeJwt(tokens.access_token).claims.aud).toEqual([API, USERINFO]);
    });

    it('fetches UserInfo with the claims of the granted scopes (Core §5.3, §5.4)', async () => {
      const { tokens } = await openIdLogin();
      const info = await client.fetchUserInfo(config, tokens.access_token, alice.id);
      expect(info).toEqual({
        sub: alice.id,
        preferred_username: alice.username,
        name: 'Alice Liddell',
        email: 'alice@example.com',
        email_verified: false,
      });
    });

    it('gives only the claims of the scopes asked for', async () => {
      const { tokens } = await openIdLogin(new TestBrowser(t), { scope: 'openid email' });
      expect(tokens.claims()).not.toHaveProperty('email');
      const info = await client.fetchUserInfo(config, tokens.access_token, alice.id);
      expect(info).toEqual({ sub: alice.id, email: 'alice@example.com', email_verified: false });
    });

    it('issues a new ID token on refresh: same sub, auth_time and sid, no nonce (Core §12.2)', async () => {
      const { tokens } = await openIdLogin();
      const first = tokens.claims() as IdTokenClaims;
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
      const second = refreshed.claims() as IdTokenClaims;
      expect(second).toEqual({
        iss: ISSUER,
        sub: first.sub,
        aud: rp.clientId,
        azp: rp.clientId,
        exp: expect.any(Number),
        iat: expect.any(Number),
        auth_time: first.auth_time,
        at_hash: atHashOf(refreshed.access_token),
        sid: first.sid,
      });
      const again = await client.refreshTokenGrant(config, refreshed.refresh_token as string);
      expect((again.claims() as IdTokenClaims).auth_time).toBe(first.auth_time);
    });

    it('R2-17 never yields an ID token for a replayed code', async () => {
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        nonce: 'n-0S6_WzA2Mj',
      });
      const code = (await callbackOf(new TestBrowser(t), url)).searchParams.get('code') as string;
      const first = await redeemCode(t, rp, code, verifier, REDIRECT_URI);
      expect(first.status).toBe(200);
      expect(first.body.id_token).toEqual(expect.any(String));
      const replay = await redeemCode(t, rp, code, verifier, REDIRECT_URI);
      expectOAuthError(replay, 400, 'invalid_grant');
      expect(replay.body).not.toHaveProperty('id_token');
      // RFC 6749 §4.1.2: the replay revoked what the first redemption issued.
      const refused = await request(t.server)
        .get('/oauth/userinfo')
        .set('authorization', `Bearer ${first.body.access_token}`);
      expect(refused.status).toBe(401);
    });

    it('leaves OAuth-only flows as they were: no id_token, the access token only for the API', async () => {
      const browser = new TestBrowser(t);
      const { verifier, challenge } = {
        verifier: 'v'.repeat(43),
        challenge: createHash('sha256').update('v'.repeat(43)).digest('base64url'),
      };
      const res = await authorizeThrough(
        browser,
        {
          response_type: 'code',
          client_id: oauthOnly.clientId,
          redirect_uri: REDIRECT_URI,
          code_challenge: challenge,
          code_challenge_method: 'S256',
        },
        { username: alice.username },
      );
      const code = locationOf(res).searchParams.get('code') as string;
      const tokens = await redeemCode(t, oauthOnly, code, verifier, REDIRECT_URI);
      expect(tokens.status).toBe(200);
      expect(tokens.body.scope).toBe('profile notes:read notes:write');
      expect(tokens.body).not.toHaveProperty('id_token');
      expect(decodeJwt(tokens.body.access_token).claims.aud).toBe(API);
    });
  });

  describe('oauth4webapi', () => {
    const as = (): oauth.AuthorizationServer => config.serverMetadata();
    const options = () => ({ [oauth.customFetch]: routeToApp });

    async function codeResponse(nonce: string, verifier: string) {
      const callback = await callbackOf(
        new TestBrowser(t),
        client.buildAuthorizationUrl(config, {
          redirect_uri: REDIRECT_URI,
          scope: 'openid profile',
          code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          nonce,
        }),
      );
      const params = oauth.validateAuthResponse(as(), { client_id: rp.clientId }, callback);
      return oauth.authorizationCodeGrantRequest(
        as(),
        { client_id: rp.clientId },
        oauth.ClientSecretBasic(rp.clientSecret as string),
        params,
        REDIRECT_URI,
        verifier,
        options(),
      );
    }

    it('processAuthorizationCodeResponse checks the nonce; userInfoRequest gets the claims', async () => {
      const nonce = oauth.generateRandomNonce();
      const verifier = oauth.generateRandomCodeVerifier();
      const result = await oauth.processAuthorizationCodeResponse(
        as(),
        { client_id: rp.clientId },
        await codeResponse(nonce, verifier),
        { expectedNonce: nonce, requireIdToken: true },
      );
      const claims = oauth.getValidatedIdTokenClaims(result) as oauth.IDToken;
      expect(claims.nonce).toBe(nonce);
      expect(claims.at_hash).toBe(atHashOf(result.access_token));

      const info = await oauth.processUserInfoResponse(
        as(),
        { client_id: rp.clientId },
        claims.sub,
        await oauth.userInfoRequest(as(), { client_id: rp.clientId }, result.access_token, options()),
      );
      expect(info).toEqual({ sub: alice.id, preferred_username: alice.username, name: 'Alice Liddell' });
    });

    it('rejects an ID token whose nonce is not the expected one', async () => {
      const verifier = oauth.generateRandomCodeVerifier();
      const response = await codeResponse(oauth.generateRandomNonce(), verifier);
      await expect(
        oauth.processAuthorizationCodeResponse(as(), { client_id: rp.clientId }, response, {
          expectedNonce: oauth.generateRandomNonce(),
        }),
      ).rejects.toThrow(/nonce/);
    });
  });

  describe('authentication request rules (Core §3.1.2.1)', () => {
    function params(extra: Record<string, string>): Record<string, string> {
      return {
        response_type: 'code',
        client_id: rp.clientId,
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        code_challenge: createHash('sha256').update('v'.repeat(43)).digest('base64url'),
        code_challenge_method: 'S256',
        state: 'st',
        ...extra,
      };
    }

    it('R2-17 max_age=0 makes a signed-in user sign in again, and auth_time moves with it', async () => {
      const { browser, tokens } = await openIdLogin();
      const firstAuthTime = (tokens.claims() as IdTokenClaims).auth_time as number;
      const res = await browser.get(authorizePath(params({ max_age: '0' })));
      expect(locationOf(res).pathname).toBe('/login');
      // A consent page reached around the login form does not skip it.
      const pending = locationOf(res).search;
      const consent = await browser.get(`/consent${pending}`);
      expect(locationOf(consent).pathname).toBe('/login');

      await new Promise((resolve) => setTimeout(resolve, 1100 - (Date.now() % 1000)));
      const again = await openIdLogin(browser, { max_age: '0' });
      const claims = again.tokens.claims() as IdTokenClaims;
      expect(claims.auth_time).toBeGreaterThan(firstAuthTime);
      expect(claims.auth_time).toBe(Math.floor(((await sessionOf(browser)).authenticatedAt as Date).getTime() / 1000));
    });

    it('max_age longer than the session’s age reuses the sign-in', async () => {
      const { browser } = await openIdLogin();
      const res = await browser.get(authorizePath(params({ max_age: '3600' })));
      expect(locationOf(res).origin + locationOf(res).pathname).toBe(REDIRECT_URI);
      expect(locationOf(res).searchParams.get('code')).toEqual(expect.any(String));
    });

    it('prompt=login asks a signed-in user to sign in again', async () => {
      const { browser } = await openIdLogin();
      const res = await browser.get(authorizePath(params({ prompt: 'login' })));
      expect(locationOf(res).pathname).toBe('/login');
    });

    it('prompt=none answers login_required without a session, or when max_age asks for a new sign-in', async () => {
      const anonymous = await new TestBrowser(t).get(authorizePath(params({ prompt: 'none' })));
      expect(locationOf(anonymous).origin + locationOf(anonymous).pathname).toBe(REDIRECT_URI);
      expect(Object.fromEntries(locationOf(anonymous).searchParams)).toEqual({
        error: 'login_required',
        error_description: expect.any(String),
        state: 'st',
        iss: ISSUER,
      });
      const { browser } = await openIdLogin();
      const stale = await browser.get(authorizePath(params({ prompt: 'none', max_age: '0' })));
      expect(locationOf(stale).searchParams.get('error')).toBe('login_required');
      const fine = await browser.get(authorizePath(params({ prompt: 'none' })));
      expect(locationOf(fine).searchParams.get('code')).toEqual(expect.any(String));
    });

    it('prompt=none answers consent_required when the user has not allowed the scopes', async () => {
      const bob = await createUser(t);
      const browser = new TestBrowser(t);
      const allowed = await authorizeThrough(browser, params({ scope: 'openid' }), { username: bob.username });
      expect(locationOf(allowed).searchParams.get('code')).toEqual(expect.any(String));
      const res = await browser.get(authorizePath(params({ prompt: 'none', scope: 'openid email' })));
      expect(locationOf(res).searchParams.get('error')).toBe('consent_required');
      expect(locationOf(res).searchParams.get('state')).toBe('st');
    });

    it('login_hint fills in the username field', async () => {
      const browser = new TestBrowser(t);
      const res = await browser.get(authorizePath(params({ login_hint: 'alice.hint' })));
      const page = await browser.get(locationOf(res).pathname + locationOf(res).search);
      expect(page.status).toBe(200);
      expect(inputValue(page.text, 'username')).toBe('alice.hint');
    });

    it('shows the server’s own scopes on the consent page in their own group', async () => {
      const browser = new TestBrowser(t);
      const carol = await createUser(t);
      const res = await browser.get(authorizePath(params({ scope: 'openid email notes:read' })));
      const login = locationOf(res);
      const page = await browser.get(login.pathname + login.search);
      const signed = await browser.postForm('/login', {
        username: carol.username,
        password: carol.password,
        csrf_token: inputValue(page.text, 'csrf_token'),
        interaction: inputValue(page.text, 'interaction'),
      });
      const consent = await browser.get(locationOf(signed).pathname + locationOf(signed).search);
      expect(consent.status).toBe(200);
      expect(consent.text).toContain('Sign-in with your account on this server');
      expect(consent.text).toContain(`<code>${USERINFO}</code>`);
      expect(consent.text).toContain('See your email address');
      expect(consent.text).toContain('Read your notes');
    });

    it('refuses a malformed max_age at the redirect URI', async () => {
      const res = await new TestBrowser(t).get(authorizePath(params({ max_age: '-1' })));
      expect(locationOf(res).searchParams.get('error')).toBe('invalid_request');
    });
  });

  describe('UserInfo bearer errors (RFC 6750 §3)', () => {
    const userinfo = (token?: string) => {
      const req = request(t.server).get('/oauth/userinfo');
      return token ? req.set('authorization', `Bearer ${token}`) : req;
    };

    it('answers 401 with a bare Bearer challenge without a token, and invalid_token for a bad one', async () => {
      const none = await userinfo();
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      const bad = await userinfo('not.a.token');
      expect(bad.status).toBe(401);
      expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('refuses a token of another audience: narrowed to the API with resource (RFC 8707)', async () => {
      const { tokens } = await openIdLogin();
      const narrowed = await client.refreshTokenGrant(config, tokens.refresh_token as string, { resource: API });
      expect(decodeJwt(narrowed.access_token).claims.aud).toBe(API);
      const res = await userinfo(narrowed.access_token);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('answers 403 insufficient_scope for a UserInfo token without openid', async () => {
      const verifier = 'w'.repeat(43);
      const res = await authorizeThrough(
        new TestBrowser(t),
        {
          response_type: 'code',
          client_id: rp.clientId,
          redirect_uri: REDIRECT_URI,
          scope: 'email',
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
        },
        { username: alice.username },
      );
      const tokens = await redeemCode(
        t,
        rp,
        locationOf(res).searchParams.get('code') as string,
        verifier,
        REDIRECT_URI,
      );
      expect(tokens.body).not.toHaveProperty('id_token');
      expect(decodeJwt(tokens.body.access_token).claims.aud).toEqual([API, USERINFO]);
      const refused = await userinfo(tokens.body.access_token);
      expect(refused.status).toBe(403);
      expect(refused.headers['www-authenticate']).toContain('error="insufficient_scope"');
      expect(refused.headers['www-authenticate']).toContain('scope="openid"');
    });

    it('answers POST as GET (Core §5.3.1)', async () => {
      const { tokens } = await openIdLogin();
      const res = await request(t.server).post('/oauth/userinfo').set('authorization', `Bearer ${tokens.access_token}`);
      expect(res.status).toBe(200);
      expect(res.body.sub).toBe(alice.id);
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });
});
