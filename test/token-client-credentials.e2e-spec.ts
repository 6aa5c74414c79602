import request from 'supertest';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, TestClient } from './utils/fixtures';
import { decodeJwt } from './utils/jwt';
import { basicOf, expectJson, expectOAuthError, expectTokenResponse, introspect, tokenRequest } from './utils/oauth';

describe('POST /oauth/token (client_credentials)', () => {
  let t: TestApp;
  let c1: TestClient;

  beforeAll(async () => {
    t = await createTestApp();
    c1 = await createClient(t, { scope: 'profile notes:read' });
  });

  afterAll(async () => {
    await t.close();
  });

  describe('success', () => {
    it('CC-01 issues an access token and no refresh token, with no-store headers', async () => {
      const res = await tokenRequest(t, { grant_type: 'client_credentials' }, basicOf(c1));
      expectTokenResponse(res, { scope: 'profile notes:read', hasRefreshToken: false });
      expect(res.body.expires_in).toBe(600);
      const { header, claims } = decodeJwt(res.body.access_token);
      expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256', kid: expect.any(String) });
      expect(claims).toMatchObject({
        iss: 'http://localhost:3000',
        sub: c1.clientId,
        client_id: c1.clientId,
        aud: 'http://localhost:3000/api',
        scope: 'profile notes:read',
      });
      expect(await introspect(t, c1, res.body.access_token)).toMatchObject({ active: true, sub: c1.clientId });
    });

    it('grants a narrower requested scope', async () => {
      const res = await tokenRequest(t, { grant_type: 'client_credentials', scope: 'notes:read' }, basicOf(c1));
      expectTokenResponse(res, { scope: 'notes:read', hasRefreshToken: false });
    });

    it('accepts the form media type with a charset parameter (TK-18)', async () => {
      const res = await request(t.server)
        .post('/oauth/token')
        .set('Content-Type', 'application/x-www-form-urlencoded;charset=UTF-8')
        .set('Authorization', basicOf(c1))
        .send('grant_type=client_credentials');
      expectTokenResponse(res, { hasRefreshToken: false });
    });

    it('CC-04 gives client tokens a sub that cannot collide with a user id', async () => {
      const user = await createUser(t);
      const res = await tokenRequest(t, { grant_type: 'client_credentials' }, basicOf(c1));
      const { claims } = decodeJwt(res.body.access_token);
      expect(claims.sub).toBe(claims.client_id);
      expect(claims.sub).not.toBe(user.id);
      expect(String(claims.sub)).not.toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    });
  });

  describe('errors', () => {
    it('CC-02 refuses a public client with invalid_client', async () => {
      const c2 = await createClient(t, {
        isPublic: true,
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['http://127.0.0.1/cb'],
      });
      const res = await tokenRequest(t, { grant_type: 'client_credentials', client_id: c2.clientId });
      expectOAuthError(res, 401, 'invalid_client');
    });

    it('CC-03 refuses a scope not registered for the client with invalid_scope', async () => {
      const res = await tokenRequest(t, { grant_type: 'client_credentials', scope: 'notes:write' }, basicOf(c1));
      expectOAuthError(res, 400, 'invalid_scope');
    });

    it.each([['unknown'], ['profile admin'], ['a"b'], [' '], ["' OR '1'='1"]])(
      'P2 refuses scope %j with invalid_scope',
      async (scope) => {
        const res = await tokenRequest(t, { grant_type: 'client_credentials', scope }, basicOf(c1));
        expectOAuthError(res, 400, 'invalid_scope');
      },
    );

    it('RFC 6749 §3.1: an empty scope counts as omitted and gets the registered scopes', async () => {
      const res = await tokenRequest(t, { grant_type: 'client_credentials', scope: '' }, basicOf(c1));
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe(
        (await tokenRequest(t, { grant_type: 'client_credentials' }, basicOf(c1))).body.scope,
      );
    });

    it('RFC 6749 §3.2: ignores unrecognized parameters', async () => {
      const res = await tokenRequest(
        t,
        { grant_type: 'client_credentials', scope: 'profile', claims: '{}', audience: 'x', requested_token_type: 'y' },
        basicOf(c1),
      );
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('profile');
    });

    it.each([['scope[0]'], ['grant_type[]'], ['client_id[$ne]']])(
      'HY-03 refuses the qs-style parameter %s with invalid_request',
      async (key) => {
        const res = await tokenRequest(t, { grant_type: 'client_credentials', [key]: 'x' }, basicOf(c1));
        expectOAuthError(res, 400, 'invalid_request');
      },
    );

    it('TK-14 answers a missing grant_type with invalid_request', async () => {
      const res = await tokenRequest(t, { scope: 'profile' }, basicOf(c1));
      expectOAuthError(res, 400, 'invalid_request');
      expect(res.body.error_description).toBe('grant_type is required');
      const empty = await tokenRequest(t, { grant_type: '' }, basicOf(c1));
      expect(empty.body.error_description).toBe('grant_type is required');
    });

    it.each([['foo'], ['password'], ['implicit']])(
      'TK-14 answers grant_type=%s with unsupported_grant_type',
      async (grantType) => {
        const res = await tokenRequest(t, { grant_type: grantType }, basicOf(c1));
        expectOAuthError(res, 400, 'unsupported_grant_type');
      },
    );

    it('answers the device grant (RFC 8628) without device_code with invalid_request, unregistered with unauthorized_client', async () => {
      const grantType = 'urn:ietf:params:oauth:grant-type:device_code';
      expectOAuthError(await tokenRequest(t, { grant_type: grantType }, basicOf(c1)), 400, 'invalid_request');
      const res = await tokenRequest(t, { grant_type: grantType, device_code: 'x' }, basicOf(c1));
      expectOAuthError(res, 400, 'unauthorized_client');
    });

    it('TK-15 answers a grant the client is not registered for with unauthorized_client', async () => {
      const codeOnly = await createClient(t, { grantTypes: ['authorization_code'] });
      const res = await tokenRequest(t, { grant_type: 'client_credentials' }, basicOf(codeOnly));
      expectOAuthError(res, 400, 'unauthorized_client');
    });

    it('HY-04 refuses a repeated parameter with invalid_request', async () => {
      const forms: Record<string, string | string[]>[] = [
        { grant_type: ['client_credentials', 'client_credentials'] },
        { grant_type: 'client_credentials', scope: ['profile', 'profile'] },
      ];
      for (const form of forms) {
        const res = await tokenRequest(t, form, basicOf(c1));
        expectOAuthError(res, 400, 'invalid_request');
      }
    });

    it.each([['client_id[]'], ['scope[0]'], ['redirect_uri[$ne]'], ['code[a]']])(
      'HY-03 refuses the qs-style parameter %s with invalid_request',
      async (name) => {
        const res = await tokenRequest(t, { grant_type: 'client_credentials', [name]: 'x' }, basicOf(c1));
        expectOAuthError(res, 400, 'invalid_request');
      },
    );

    it('HY-05 treats SQL metacharacters in client_id as an unknown client', async () => {
      for (const clientId of ["' OR '1'='1", '";DROP TABLE oauth_clients;--', '\\']) {
        const res = await tokenRequest(t, {
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: 'x',
        });
        expectOAuthError(res, 401, 'invalid_client');
      }
      expectTokenResponse(await tokenRequest(t, { grant_type: 'client_credentials' }, basicOf(c1)), {
        hasRefreshToken: false,
      });
    });

    it('TK-18 refuses JSON, multipart, text/plain and a missing content type with invalid_request', async () => {
      const json = await request(t.server)
        .post('/oauth/token')
        .set('Authorization', basicOf(c1))
        .send({ grant_type: 'client_credentials' });
      const multipart = await request(t.server)
        .post('/oauth/token')
        .set('Authorization', basicOf(c1))
        .field('grant_type', 'client_credentials');
      const text = await request(t.server)
        .post('/oauth/token')
        .set('Authorization', basicOf(c1))
        .set('Content-Type', 'text/plain')
        .send('grant_type=client_credentials');
      const none = await request(t.server).post('/oauth/token').set('Authorization', basicOf(c1));
      for (const res of [json, multipart, text, none]) expectOAuthError(res, 400, 'invalid_request');
    });

    it('TK-17 answers GET and other methods with 405 and Allow: POST, issuing nothing', async () => {
      for (const path of ['/oauth/token', '/oauth/introspect', '/oauth/revoke']) {
        for (const method of ['get', 'put', 'patch', 'delete'] as const) {
          const agent = request(t.server);
          const res = await agent[method](`${path}?grant_type=client_credentials`).set('Authorization', basicOf(c1));
          expect({ path, method, status: res.status }).toEqual({ path, method, status: 405 });
          expect(res.headers.allow).toBe('POST');
          expectJson(res);
          expect(res.body.access_token).toBeUndefined();
        }
      }
    });

    it('HY-01 answers an oversized body with 413 and stays healthy', async () => {
      const res = await request(t.server)
        .post('/oauth/token')
        .set('Authorization', basicOf(c1))
        .type('form')
        .send(`grant_type=client_credentials&scope=${'a'.repeat(10 * 1024 * 1024)}`);
      expect(res.status).toBe(413);
      expectJson(res);
      expectTokenResponse(await tokenRequest(t, { grant_type: 'client_credentials' }, basicOf(c1)), {
        hasRefreshToken: false,
      });
    });

    it('HY-02 refuses thousands of form parameters with a 4xx, never a 500', async () => {
      const body = Array.from({ length: 2000 }, (_, i) => `p${i}=x`).join('&');
      const res = await request(t.server)
        .post('/oauth/token')
        .set('Authorization', basicOf(c1))
        .type('form')
        .send(body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });
  });
});
