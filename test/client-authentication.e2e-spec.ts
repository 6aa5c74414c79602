import request from 'supertest';
import { createTestApp, TestApp } from './utils/app';
import { createClient, TestClient } from './utils/fixtures';
import { basic, basicOf, expectOAuthError, expectTokenResponse, postForm, tokenRequest } from './utils/oauth';

const CC = { grant_type: 'client_credentials' };

describe('Client authentication at /oauth/token (RFC 6749 §2.3)', () => {
  let t: TestApp;
  let c1: TestClient;
  let postClient: TestClient;
  let publicClient: TestClient;

  beforeAll(async () => {
    t = await createTestApp();
    c1 = await createClient(t);
    postClient = await createClient(t, { tokenEndpointAuthMethod: 'client_secret_post' });
    publicClient = await createClient(t, {
      isPublic: true,
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['http://127.0.0.1/cb'],
    });
  });

  afterAll(async () => {
    await t.close();
  });

  describe('client_secret_basic', () => {
    it('authenticates a client registered for it', async () => {
      expectTokenResponse(await tokenRequest(t, CC, basicOf(c1)), { hasRefreshToken: false });
    });

    it('form-url-decodes the id and secret before comparing (RFC 6749 §2.3.1)', async () => {
      const percent = (value: string) =>
        [...Buffer.from(value)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
      const header = `Basic ${Buffer.from(`${percent(c1.clientId)}:${percent(c1.clientSecret as string)}`).toString('base64')}`;
      expectTokenResponse(await tokenRequest(t, CC, header), { hasRefreshToken: false });
    });

    it('accepts the scheme name in any case', async () => {
      const header = basicOf(c1).replace('Basic', 'bAsIc');
      expectTokenResponse(await tokenRequest(t, CC, header), { hasRefreshToken: false });
    });

    it('accepts the same client_id in the body (CA-06 counterpart)', async () => {
      expectTokenResponse(await tokenRequest(t, { ...CC, client_id: c1.clientId }, basicOf(c1)), {
        hasRefreshToken: false,
      });
    });

    it('CA-02 answers a wrong secret with 401 invalid_client and a Basic challenge', async () => {
      const res = await tokenRequest(t, CC, basic(c1.clientId, 'wrong'));
      expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toBe('Basic realm="tollgate", charset="UTF-8"');
    });

    it('gives an unknown client exactly the answer of a wrong secret', async () => {
      const unknown = await tokenRequest(t, CC, basic('no-such-client', 'wrong'));
      const wrong = await tokenRequest(t, CC, basic(c1.clientId, 'wrong'));
      expectOAuthError(unknown, 401, 'invalid_client');
      expect(unknown.body).toEqual(wrong.body);
      expect(unknown.headers['www-authenticate']).toBe(wrong.headers['www-authenticate']);
    });

    it('refuses a secret that differs only in case or trailing space (collation trap)', async () => {
      const secret = c1.clientSecret as string;
      const flipped = secret[0] === secret[0].toUpperCase() ? secret[0].toLowerCase() : secret[0].toUpperCase();
      for (const variant of [`${flipped}${secret.slice(1)}`, `${secret} `]) {
        if (variant === secret) continue;
        expectOAuthError(await tokenRequest(t, CC, basic(c1.clientId, variant)), 401, 'invalid_client');
      }
      expectOAuthError(await tokenRequest(t, CC, basic(`${c1.clientId} `, secret)), 401, 'invalid_client');
      expectOAuthError(await tokenRequest(t, CC, basic(c1.clientId.toUpperCase(), secret)), 401, 'invalid_client');
    });

    it.each([
      ['Basic'],
      ['Basic '],
      ['Basic Zm9v'],
      ['Basic !!!!'],
      ['Basic Zm9vOmJhcg'],
      ['Bearer abc'],
      ['Digest x'],
    ])('CA-07 answers the Authorization header %j with invalid_request and no challenge', async (header) => {
      expectOAuthError(await tokenRequest(t, CC, header), 400, 'invalid_request');
    });

    it('CA-05 refuses a Basic header together with client_secret in the body', async () => {
      const res = await tokenRequest(t, { ...CC, client_secret: c1.clientSecret as string }, basicOf(c1));
      expectOAuthError(res, 400, 'invalid_request');
    });

    it('CA-06 refuses a body client_id that differs from the Basic one', async () => {
      const res = await tokenRequest(t, { ...CC, client_id: postClient.clientId }, basicOf(c1));
      expectOAuthError(res, 400, 'invalid_request');
    });

    it('refuses a client registered for client_secret_post that uses Basic', async () => {
      expectOAuthError(await tokenRequest(t, CC, basicOf(postClient)), 401, 'invalid_client');
    });
  });

  describe('client_secret_post', () => {
    it('authenticates a client registered for it', async () => {
      const res = await tokenRequest(t, {
        ...CC,
        client_id: postClient.clientId,
        client_secret: postClient.clientSecret as string,
      });
      expectTokenResponse(res, { hasRefreshToken: false });
    });

    it('CA-03 answers a wrong secret with 401 invalid_client', async () => {
      const res = await tokenRequest(t, { ...CC, client_id: postClient.clientId, client_secret: 'wrong' });
      expectOAuthError(res, 401, 'invalid_client');
    });

    it('refuses a client registered for client_secret_basic that posts its secret', async () => {
      const res = await tokenRequest(t, { ...CC, client_id: c1.clientId, client_secret: c1.clientSecret as string });
      expectOAuthError(res, 401, 'invalid_client');
    });

    it('HY-04 refuses a repeated client_secret with invalid_request', async () => {
      const res = await tokenRequest(t, {
        ...CC,
        client_id: postClient.clientId,
        client_secret: [postClient.clientSecret as string, 'x'],
      });
      expectOAuthError(res, 400, 'invalid_request');
    });
  });

  describe('none and missing authentication', () => {
    it('CA-01 refuses a confidential client that sends only its client_id', async () => {
      expectOAuthError(await tokenRequest(t, { ...CC, client_id: c1.clientId }), 401, 'invalid_client');
    });

    it('CA-01 refuses a request with no client identification at all', async () => {
      expectOAuthError(await tokenRequest(t, CC), 401, 'invalid_client');
    });

    it('CA-09 refuses a public client that also sends a secret', async () => {
      const res = await tokenRequest(t, {
        grant_type: 'refresh_token',
        refresh_token: 'x'.repeat(43),
        client_id: publicClient.clientId,
        client_secret: 'anything',
      });
      expectOAuthError(res, 401, 'invalid_client');
    });

    it('lets a public client identify itself by client_id for the refresh_token grant', async () => {
      const res = await tokenRequest(t, {
        grant_type: 'refresh_token',
        refresh_token: 'x'.repeat(43),
        client_id: publicClient.clientId,
      });
      // Authenticated: the answer is about the (unknown) refresh token, not the client.
      expectOAuthError(res, 400, 'invalid_grant');
    });

    it('HY-06 treats look-alike client ids as unknown', async () => {
      for (const clientId of [`${c1.clientId}\u200b`, `\u202e${c1.clientId}`, `${c1.clientId}\u0000`]) {
        expectOAuthError(await tokenRequest(t, CC, basic(clientId, c1.clientSecret as string)), 401, 'invalid_client');
      }
    });
  });
});

describe('Client authentication throttling (P10)', () => {
  let t: TestApp;
  let c1: TestClient;
  let c4: TestClient;

  /** A token request from `address` (the app trusts X-Forwarded-For here, as behind a proxy). */
  const from = (address: string, authorization: string) =>
    request(t.server)
      .post('/oauth/token')
      .set('x-forwarded-for', address)
      .set('authorization', authorization)
      .type('form')
      .send(new URLSearchParams(CC).toString());

  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_MINUTE: '3', TRUST_PROXY: 'true' },
    });
    c1 = await createClient(t);
    c4 = await createClient(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers 429 with Retry-After once a client has failed too often from one address, even with the right secret', async () => {
    for (let i = 0; i < 3; i += 1) {
      expectOAuthError(await from('192.0.2.1', basic(c1.clientId, `wrong-${i}`)), 401, 'invalid_client');
    }
    const blocked = await from('192.0.2.1', basicOf(c1));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.headers['content-type']).toMatch(/^application\/json/);
    expect(blocked.body.access_token).toBeUndefined();
    expect(typeof blocked.body.error).toBe('string');
  });

  it('R2-02: the client from another address, and another client from that address, still get tokens', async () => {
    expect((await from('198.51.100.2', basicOf(c1))).status).toBe(200);
    expect((await from('192.0.2.1', basicOf(c4))).status).toBe(200);
    const introspection = await postForm(t, '/oauth/introspect', { token: 'x' }, basicOf(c4));
    expect(introspection.status).toBe(200);
  });
});
