import request from 'supertest';
import { JwtService } from '@nestjs/jwt';
import { ResourceCatalog } from '../src/resources/resource-catalog';
import { ResourcesService } from '../src/resources/resources.service';
import { AccessTokenSigner } from '../src/tokens/access-token-signer.service';
import { KeysService } from '../src/tokens/keys/keys.service';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createCode, createUser, TestClient } from './utils/fixtures';
import { decodeJwt } from './utils/jwt';
import {
  basic,
  basicOf,
  expectJson,
  expectNoStore,
  expectOAuthError,
  obtainTokens,
  postForm,
  refresh,
} from './utils/oauth';

describe('POST /oauth/introspect (RFC 7662)', () => {
  let t: TestApp;
  let rs1: TestClient;
  let c1: TestClient;
  let userId: string;

  const introspectAs = (caller: TestClient, form: Record<string, string>) =>
    postForm(t, '/oauth/introspect', form, basicOf(caller));

  /** Signs a token with the server's own key but with the given claims changed. */
  const forge = async (claims: Record<string, unknown>) => {
    const key = await t.get(KeysService).getSigningKey();
    return t.get(JwtService).sign(claims, {
      privateKey: key.privateKey,
      algorithm: 'ES256',
      header: { alg: 'ES256', typ: 'at+jwt', kid: key.kid },
    });
  };

  beforeAll(async () => {
    t = await createTestApp();
    rs1 = await createClient(t, { grantTypes: ['client_credentials'] });
    c1 = await createClient(t);
    // RFC 7662 §4: RS1 introspects the sample API's tokens because it is registered to.
    await t.get(ResourcesService).setIntrospectors(t.get(ResourceCatalog).defaultResource, [rs1.clientId]);
    userId = (await createUser(t)).id;
  });

  afterAll(async () => {
    await t.close();
  });

  it('IN-06 describes an active access token to another confidential client', async () => {
    const tokens = await obtainTokens(t, c1, userId);
    const res = await introspectAs(rs1, { token: tokens.access_token });
    expect(res.status).toBe(200);
    expectJson(res);
    expectNoStore(res);
    const { claims } = decodeJwt(tokens.access_token);
    expect(res.body).toEqual({
      active: true,
      scope: 'profile notes:read',
      client_id: c1.clientId,
      sub: userId,
      token_type: 'Bearer',
      exp: claims.exp,
      iat: claims.iat,
      iss: 'http://localhost:3000',
      aud: 'http://localhost:3000/api',
      jti: claims.jti,
    });
  });

  it('describes an active refresh token to its own client, whatever the hint says', async () => {
    const tokens = await obtainTokens(t, c1, userId);
    const res = await introspectAs(c1, { token: tokens.refresh_token, token_type_hint: 'access_token' });
    expect(res.body).toMatchObject({
      active: true,
      scope: 'profile notes:read',
      client_id: c1.clientId,
      sub: userId,
      token_type: 'refresh_token',
      exp: expect.any(Number),
      iat: expect.any(Number),
      iss: 'http://localhost:3000',
    });
    const hinted = await introspectAs(rs1, { token: tokens.access_token, token_type_hint: 'refresh_token' });
    expect(hinted.body.active).toBe(true);
    const unknownHint = await introspectAs(rs1, { token: tokens.access_token, token_type_hint: 'something_else' });
    expect(unknownHint.body.active).toBe(true);
  });

  it('does not describe a refresh token to a client it was not issued to', async () => {
    const tokens = await obtainTokens(t, c1, userId);
    expect((await introspectAs(rs1, { token: tokens.refresh_token })).body).toEqual({ active: false });
  });

  it('IN-01 refuses a request without client authentication, saying nothing about the token', async () => {
    const tokens = await obtainTokens(t, c1, userId);
    const res = await postForm(t, '/oauth/introspect', { token: tokens.access_token });
    expectOAuthError(res, 401, 'invalid_client');
    expect(res.body.active).toBeUndefined();
  });

  it('IN-02 refuses bad credentials and public clients with invalid_client', async () => {
    const tokens = await obtainTokens(t, c1, userId);
    expectOAuthError(
      await postForm(t, '/oauth/introspect', { token: tokens.access_token }, basic(rs1.clientId, 'wrong')),
      401,
      'invalid_client',
    );
    const publicClient = await createClient(t, {
      isPublic: true,
      grantTypes: ['authorization_code'],
      redirectUris: ['http://127.0.0.1/cb'],
    });
    const res = await postForm(t, '/oauth/introspect', {
      token: tokens.access_token,
      client_id: publicClient.clientId,
    });
    expectOAuthError(res, 401, 'invalid_client');
  });

  it('IN-03 refuses a missing token with invalid_request', async () => {
    expectOAuthError(await introspectAs(rs1, {}), 400, 'invalid_request');
  });

  it('HY-04 refuses a repeated token with invalid_request', async () => {
    const res = await postForm(t, '/oauth/introspect', { token: ['a', 'b'] }, basicOf(rs1));
    expectOAuthError(res, 400, 'invalid_request');
  });

  it('refuses a JSON body with invalid_request', async () => {
    const res = await request(t.server)
      .post('/oauth/introspect')
      .set('Authorization', basicOf(rs1))
      .send({ token: 'x' });
    expectOAuthError(res, 400, 'invalid_request');
  });

  it.each([['garbage'], ['a.b.c'], ["' OR '1'='1"], ['x'.repeat(43)]])(
    'IN-04 answers exactly {"active":false} for %j',
    async (token) => {
      const res = await introspectAs(rs1, { token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ active: false });
    },
  );

  it('IN-05 answers exactly {"active":false} for a revoked access token, a rotated refresh token and a code', async () => {
    const tokens = await obtainTokens(t, c1, userId);
    await postForm(t, '/oauth/revoke', { token: tokens.access_token }, basicOf(c1));
    expect((await introspectAs(rs1, { token: tokens.access_token })).body).toEqual({ active: false });

    const rotated = await obtainTokens(t, c1, userId);
    expect((await refresh(t, c1, rotated.refresh_token)).status).toBe(200);
    expect((await introspectAs(c1, { token: rotated.refresh_token })).body).toEqual({ active: false });

    const { code } = await createCode(t, { clientId: c1.clientId, userId });
    expect((await introspectAs(c1, { token: code })).body).toEqual({ active: false });
  });

  it('IN-05 answers exactly {"active":false} for an expired access token', async () => {
    const past = Date.now() - 3600 * 1000;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(past);
    let accessToken: string;
    try {
      ({ accessToken } = await t.get(AccessTokenSigner).issue({
        clientId: c1.clientId,
        userId,
        scope: 'profile',
        grantId: null,
      }));
    } finally {
      clock.mockRestore();
    }
    expect((await introspectAs(rs1, { token: accessToken })).body).toEqual({ active: false });
  });

  it('IN-08 answers {"active":false} for a token meant for another audience or issuer', async () => {
    const tokens = await obtainTokens(t, c1, userId);
    const { claims } = decodeJwt(tokens.access_token);
    for (const changed of [{ aud: 'https://rs2.example/api' }, { iss: 'https://other-issuer.example' }]) {
      const forged = await forge({ ...claims, ...changed });
      expect((await introspectAs(rs1, { token: forged })).body).toEqual({ active: false });
    }
    // The forging itself is sound: unchanged claims are active.
    expect((await introspectAs(rs1, { token: await forge(claims) })).body.active).toBe(true);
  });

  it('answers {"active":false} for a token with a bad signature or alg none', async () => {
    const tokens = await obtainTokens(t, c1, userId);
    const [header, payload, signature] = tokens.access_token.split('.');
    const tampered = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
    for (const token of [tampered, none]) {
      expect((await introspectAs(rs1, { token })).body).toEqual({ active: false });
    }
  });
});
