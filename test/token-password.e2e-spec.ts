import { ResourceCatalog } from '../src/resources/resource-catalog';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, TestClient } from './utils/fixtures';
import { decodeJwt } from './utils/jwt';
import { basicOf, expectOAuthError, expectTokenResponse, refresh, tokenRequest } from './utils/oauth';

describe('POST /oauth/token (password)', () => {
  describe('while ALLOW_PASSWORD_GRANT is off (default)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp();
    });

    afterAll(async () => {
      await t.close();
    });

    it('TK-14 answers unsupported_grant_type even for a client registered for it', async () => {
      const client = await createClient(t, { grantTypes: ['password'] });
      const user = await createUser(t);
      const res = await tokenRequest(
        t,
        { grant_type: 'password', username: user.username, password: user.password },
        basicOf(client),
      );
      expectOAuthError(res, 400, 'unsupported_grant_type');
    });
  });

  describe('with ALLOW_PASSWORD_GRANT=true', () => {
    let t: TestApp;
    let client: TestClient;
    let user: { id: string; username: string; password: string };

    beforeAll(async () => {
      t = await createTestApp({ env: { ALLOW_PASSWORD_GRANT: 'true' } });
      client = await createClient(t, { grantTypes: ['password', 'refresh_token'], scope: 'profile notes:read' });
      user = await createUser(t);
    });

    afterAll(async () => {
      await t.close();
    });

    const passwordRequest = (form: Record<string, string>, who = client) =>
      tokenRequest(t, { grant_type: 'password', ...form }, basicOf(who));

    it('issues an access and a refresh token for the right password', async () => {
      const res = await passwordRequest({ username: user.username, password: user.password });
      expectTokenResponse(res, { scope: 'profile notes:read', hasRefreshToken: true });
      expect(decodeJwt(res.body.access_token).claims).toMatchObject({ sub: user.id, client_id: client.clientId });
      expectTokenResponse(await refresh(t, client, res.body.refresh_token), { hasRefreshToken: true });
    });

    it('RFC 8707: binds the token to a named resource and refuses an unknown one with invalid_target', async () => {
      const mcp = `${new URL(t.get(ResourceCatalog).defaultResource).origin}/mcp`;
      const bound = await passwordRequest({ username: user.username, password: user.password, resource: mcp });
      expect(bound.status).toBe(200);
      expect(decodeJwt(bound.body.access_token as string).claims.aud).toBe(mcp);
      const unknown = await passwordRequest({
        username: user.username,
        password: user.password,
        resource: 'https://unknown.example/',
      });
      expectOAuthError(unknown, 400, 'invalid_target');
    });

    it('grants a requested narrower scope and refuses an unregistered one', async () => {
      const narrow = await passwordRequest({ username: user.username, password: user.password, scope: 'profile' });
      expectTokenResponse(narrow, { scope: 'profile', hasRefreshToken: true });
      const wide = await passwordRequest({ username: user.username, password: user.password, scope: 'notes:write' });
      expectOAuthError(wide, 400, 'invalid_scope');
    });

    it('answers a wrong password and an unknown user alike, with invalid_grant', async () => {
      const wrong = await passwordRequest({ username: user.username, password: 'wrong password' });
      const unknown = await passwordRequest({ username: 'nobody-here', password: 'wrong password' });
      expectOAuthError(wrong, 400, 'invalid_grant');
      expect(unknown.body).toEqual(wrong.body);
    });

    it('HY-05 treats SQL metacharacters in the username as a failed login', async () => {
      expectOAuthError(await passwordRequest({ username: "' OR '1'='1", password: 'x' }), 400, 'invalid_grant');
    });

    it('TK-15 answers a client not registered for password with unauthorized_client', async () => {
      const other = await createClient(t, { grantTypes: ['client_credentials'] });
      const res = await passwordRequest({ username: user.username, password: user.password }, other);
      expectOAuthError(res, 400, 'unauthorized_client');
    });

    it('refuses a public client with invalid_client', async () => {
      // A public client cannot even be registered for the password grant; one that tries it anyway is refused.
      await expect(createClient(t, { isPublic: true, grantTypes: ['password'] })).rejects.toMatchObject({
        code: 'invalid_client_metadata',
      });
      const publicClient = await createClient(t, {
        isPublic: true,
        grantTypes: ['authorization_code'],
        redirectUris: ['http://127.0.0.1/cb'],
      });
      const res = await tokenRequest(t, {
        grant_type: 'password',
        username: user.username,
        password: user.password,
        client_id: publicClient.clientId,
      });
      expectOAuthError(res, 401, 'invalid_client');
    });

    it.each([['username'], ['password']])('answers a missing %s with invalid_request', async (missing) => {
      const form: Record<string, string> = { username: user.username, password: user.password };
      delete form[missing];
      expectOAuthError(await passwordRequest(form), 400, 'invalid_request');
    });
  });

  describe('throttling (UI-07 on the password grant)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({
        env: {
          ALLOW_PASSWORD_GRANT: 'true',
          RATE_LIMIT_ENABLED: 'true',
          RATE_LIMIT_LOGIN_FAILURES_PER_15_MINUTES: '3',
        },
      });
    });

    afterAll(async () => {
      await t.close();
    });

    it('answers 429 with Retry-After after too many wrong passwords for one username', async () => {
      const client = await createClient(t, { grantTypes: ['password'] });
      const user = await createUser(t);
      const attempt = (password: string) =>
        tokenRequest(t, { grant_type: 'password', username: user.username, password }, basicOf(client));
      for (let i = 0; i < 3; i += 1) expectOAuthError(await attempt(`wrong-${i}`), 400, 'invalid_grant');
      const blocked = await attempt(user.password);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(blocked.body.access_token).toBeUndefined();
    });
  });
});
