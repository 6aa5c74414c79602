import request from 'supertest';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, TestClient } from './utils/fixtures';
import {
  basic,
  basicOf,
  expectJson,
  expectNoStore,
  expectOAuthError,
  introspect,
  obtainTokens,
  postForm,
  refresh,
} from './utils/oauth';

describe('POST /oauth/revoke (RFC 7009)', () => {
  let t: TestApp;
  let c1: TestClient;
  let c4: TestClient;
  let userId: string;

  const revoke = (client: TestClient, form: Record<string, string>) =>
    client.clientSecret
      ? postForm(t, '/oauth/revoke', form, basicOf(client))
      : postForm(t, '/oauth/revoke', { ...form, client_id: client.clientId });

  const expectRevoked200 = (res: Awaited<ReturnType<typeof revoke>>) => {
    expect(res.status).toBe(200);
    expectJson(res);
    expectNoStore(res);
    expect(res.body).toEqual({});
  };

  beforeAll(async () => {
    t = await createTestApp();
    c1 = await createClient(t);
    c4 = await createClient(t);
    userId = (await createUser(t)).id;
  });

  afterAll(async () => {
    await t.close();
  });

  it('RV-01 revokes a refresh token and the access tokens of its grant', async () => {
    const tokens = await obtainTokens(t, c1, userId);
    const rotated = await refresh(t, c1, tokens.refresh_token);
    expectRevoked200(await revoke(c1, { token: rotated.body.refresh_token, token_type_hint: 'refresh_token' }));
    expectOAuthError(await refresh(t, c1, rotated.body.refresh_token), 400, 'invalid_grant');
    expect(await introspect(t, c1, rotated.body.access_token)).toEqual({ active: false });
    expect(await introspect(t, c1, tokens.access_token)).toEqual({ active: false });
  });

  it('RV-02 revokes an access token at once, for the resource server too, and leaves the refresh token working', async () => {
    const tokens = await obtainTokens(t, c1, userId);
    const me = () => request(t.server).get('/api/me').set('Authorization', `Bearer ${tokens.access_token}`);
    expect((await me()).status).toBe(200);
    expectRevoked200(await revoke(c1, { token: tokens.access_token, token_type_hint: 'access_token' }));
    expect(await introspect(t, c1, tokens.access_token)).toEqual({ active: false });
    const refused = await me();
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    expect((await refresh(t, c1, tokens.refresh_token)).status).toBe(200);
  });

  it('finds the token whatever the hint says, and ignores unknown hints', async () => {
    const tokens = await obtainTokens(t, c1, userId);
    expectRevoked200(await revoke(c1, { token: tokens.access_token, token_type_hint: 'refresh_token' }));
    expect(await introspect(t, c1, tokens.access_token)).toEqual({ active: false });
    expectRevoked200(await revoke(c1, { token: tokens.refresh_token, token_type_hint: 'something_else' }));
    expect(await introspect(t, c1, tokens.refresh_token)).toEqual({ active: false });
  });

  it('lets a public client revoke its own refresh token with its client_id', async () => {
    const publicClient = await createClient(t, {
      isPublic: true,
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://c1.example/cb'],
    });
    const tokens = await obtainTokens(t, publicClient, userId);
    expectRevoked200(await revoke(publicClient, { token: tokens.refresh_token }));
    expectOAuthError(await refresh(t, publicClient, tokens.refresh_token), 400, 'invalid_grant');
  });

  it.each([['garbage'], ['a.b.c'], ['x'.repeat(43)], ["' OR '1'='1"]])(
    'RV-03 answers 200 {} for the unknown token %j',
    async (token) => {
      expectRevoked200(await revoke(c1, { token }));
    },
  );

  it('RV-03 answers 200 {} for an already revoked token', async () => {
    const tokens = await obtainTokens(t, c1, userId);
    expectRevoked200(await revoke(c1, { token: tokens.refresh_token }));
    expectRevoked200(await revoke(c1, { token: tokens.refresh_token }));
    expectRevoked200(await revoke(c1, { token: tokens.access_token }));
  });

  it('RV-04 refuses a missing token with invalid_request', async () => {
    expectOAuthError(await revoke(c1, {}), 400, 'invalid_request');
  });

  it('RV-05 refuses missing or wrong client authentication with invalid_client and a Basic challenge', async () => {
    const tokens = await obtainTokens(t, c1, userId);
    expectOAuthError(await postForm(t, '/oauth/revoke', { token: tokens.access_token }), 401, 'invalid_client');
    const wrong = await postForm(t, '/oauth/revoke', { token: tokens.access_token }, basic(c1.clientId, 'wrong'));
    expectOAuthError(wrong, 401, 'invalid_client');
    expect(await introspect(t, c1, tokens.access_token)).toMatchObject({ active: true });
  });

  it("RV-06 (P5) refuses to revoke another client's tokens with invalid_request; they stay active", async () => {
    const tokens = await obtainTokens(t, c1, userId);
    expectOAuthError(await revoke(c4, { token: tokens.access_token }), 400, 'invalid_request');
    expectOAuthError(await revoke(c4, { token: tokens.refresh_token }), 400, 'invalid_request');
    expect(await introspect(t, c1, tokens.access_token)).toMatchObject({ active: true });
    expect(await introspect(t, c1, tokens.refresh_token)).toMatchObject({ active: true });
  });

  it('HY-04 refuses a repeated token with invalid_request', async () => {
    const res = await postForm(t, '/oauth/revoke', { token: ['a', 'b'] }, basicOf(c1));
    expectOAuthError(res, 400, 'invalid_request');
  });
});
