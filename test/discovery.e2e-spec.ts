import { createPublicKey, verify } from 'node:crypto';
import request from 'supertest';
import { createTestApp, TestApp } from './utils/app';
import { createClient } from './utils/fixtures';
import { decodeJwt } from './utils/jwt';
import { basicOf, expectJson, tokenRequest } from './utils/oauth';

const ISSUER = 'https://auth.example.com';

describe('GET /.well-known/oauth-authorization-server (RFC 8414)', () => {
  describe('defaults', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ env: { ISSUER } });
    });

    afterAll(async () => {
      await t.close();
    });

    it('MD-01 serves JSON whose issuer is the configured one, whatever the Host header says', async () => {
      const res = await request(t.server).get('/.well-known/oauth-authorization-server').set('Host', 'evil.example');
      expect(res.status).toBe(200);
      expectJson(res);
      expect(res.body.issuer).toBe(ISSUER);
      expect(JSON.stringify(res.body)).not.toContain('evil.example');
    });

    it('MD-02 lists every endpoint, https only, and only the enabled grants and response types', async () => {
      const res = await request(t.server).get('/.well-known/oauth-authorization-server');
      expect(res.body).toEqual({
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/oauth/authorize`,
        token_endpoint: `${ISSUER}/oauth/token`,
        jwks_uri: `${ISSUER}/oauth/jwks`,
        introspection_endpoint: `${ISSUER}/oauth/introspect`,
        revocation_endpoint: `${ISSUER}/oauth/revoke`,
        device_authorization_endpoint: `${ISSUER}/oauth/device_authorization`,
        registration_endpoint: `${ISSUER}/oauth/register`,
        client_id_metadata_document_supported: true,
        scopes_supported: ['profile', 'notes:read', 'notes:write', 'openid', 'email'],
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        grant_types_supported: [
          'authorization_code',
          'client_credentials',
          'refresh_token',
          'urn:ietf:params:oauth:grant-type:device_code',
          'urn:ietf:params:oauth:grant-type:token-exchange',
        ],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
        introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
        revocation_endpoint_auth_methods_supported: [
          'client_secret_basic',
          'client_secret_post',
          'private_key_jwt',
          'none',
        ],
        // RFC 8414 §2: the algorithms of private_key_jwt assertions; never none or HMAC.
        token_endpoint_auth_signing_alg_values_supported: ['ES256', 'RS256', 'PS256', 'EdDSA', 'Ed25519'],
        introspection_endpoint_auth_signing_alg_values_supported: ['ES256', 'RS256', 'PS256', 'EdDSA', 'Ed25519'],
        revocation_endpoint_auth_signing_alg_values_supported: ['ES256', 'RS256', 'PS256', 'EdDSA', 'Ed25519'],
        authorization_response_iss_parameter_supported: true,
        service_documentation: `${ISSUER}/docs`,
      });
      for (const value of Object.values(res.body)) {
        if (typeof value === 'string' && value.includes('://')) expect(value.startsWith('https://')).toBe(true);
      }
    });

    it('JW-01 publishes public signing keys only, each with a distinct kid', async () => {
      const res = await request(t.server).get('/oauth/jwks');
      expect(res.status).toBe(200);
      expectJson(res);
      expect(res.body.keys.length).toBeGreaterThan(0);
      const kids = res.body.keys.map((key: { kid: string }) => key.kid);
      expect(new Set(kids).size).toBe(kids.length);
      for (const key of res.body.keys) {
        expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
        for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key[secret]).toBeUndefined();
      }
    });

    it('JW-02 signs access tokens with a published key: typ at+jwt, ES256, every RFC 9068 claim', async () => {
      const client = await createClient(t);
      const token = (await tokenRequest(t, { grant_type: 'client_credentials' }, basicOf(client))).body.access_token;
      const { header, claims } = decodeJwt(token);
      expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
      expect(Object.keys(claims).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub']);
      expect(claims.iss).toBe(ISSUER);
      const jwks = (await request(t.server).get('/oauth/jwks')).body.keys as Array<{ kid: string }>;
      const jwk = jwks.find((key) => key.kid === header.kid);
      expect(jwk).toBeDefined();
      const [h, p, s] = token.split('.');
      const isValid = verify(
        'sha256',
        Buffer.from(`${h}.${p}`),
        { key: createPublicKey({ key: jwk as never, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
        Buffer.from(s, 'base64url'),
      );
      expect(isValid).toBe(true);
    });
  });

  describe('with the retired grants enabled', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ env: { ALLOW_PASSWORD_GRANT: 'true', ALLOW_IMPLICIT_GRANT: 'true' } });
    });

    afterAll(async () => {
      await t.close();
    });

    it('lists password, implicit and the token response type', async () => {
      const res = await request(t.server).get('/.well-known/oauth-authorization-server');
      expect(res.body.issuer).toBe('http://localhost:3000');
      expect(res.body.token_endpoint).toBe('http://localhost:3000/oauth/token');
      expect(res.body.grant_types_supported).toEqual([
        'authorization_code',
        'client_credentials',
        'refresh_token',
        'password',
        'urn:ietf:params:oauth:grant-type:device_code',
        'urn:ietf:params:oauth:grant-type:token-exchange',
        'implicit',
      ]);
      expect(res.body.response_types_supported).toEqual(['code', 'token']);
    });
  });
});
