import { createHash, generateKeyPairSync } from 'node:crypto';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { oauthConfig } from '../config/oauth.config';
import { accessTokenHash, IdTokenService } from './id-token.service';
import type { KeysService } from './keys/keys.service';

const ISSUER = 'https://as.example';

function setup() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = { kid: 'k1', privateKey, publicKey };
  const keys = {
    getSigningKey: () => key,
    findVerificationKey: async (kid: string) => (kid === 'k1' ? key : undefined),
  };
  const jwt = new JwtService({});
  const config = { issuer: ISSUER, accessTokenTtlSeconds: 600 } as ConfigType<typeof oauthConfig>;
  return { service: new IdTokenService(keys as unknown as KeysService, jwt, config), jwt, privateKey };
}

const AUTH_TIME = new Date('2026-12-01T10:00:00.500Z');

describe(IdTokenService.name, () => {
  it('signs an ES256 JWT with the Core §2 claims, nonce and sid when known', () => {
    const { service, jwt } = setup();
    const token = service.issue({
      clientId: 'rp',
      userId: 'user-1',
      accessToken: 'at-1',
      authentication: { authTime: AUTH_TIME, sid: 'sid-1', nonce: 'n-1' },
    });
    const decoded: unknown = jwt.decode(token, { complete: true });
    const { header, payload } = decoded as { header: object; payload: Record<string, unknown> };
    expect(header).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k1' });
    expect(payload).toEqual({
      iss: ISSUER,
      sub: 'user-1',
      aud: 'rp',
      azp: 'rp',
      iat: expect.any(Number),
      exp: (payload.iat as number) + 600,
      auth_time: Math.floor(AUTH_TIME.getTime() / 1000),
      nonce: 'n-1',
      at_hash: accessTokenHash('at-1'),
      sid: 'sid-1',
    });
  });

  it('leaves out nonce and sid when there are none (a refresh, Core §12.2)', () => {
    const { service, jwt } = setup();
    const token = service.issue({
      clientId: 'rp',
      userId: 'u',
      accessToken: 'a',
      authentication: { authTime: AUTH_TIME, sid: null },
    });
    const claims = jwt.decode<Record<string, unknown>>(token);
    expect(claims).not.toHaveProperty('nonce');
    expect(claims).not.toHaveProperty('sid');
  });

  it('computes at_hash as the base64url left half of the SHA-256 of the access token (Core §3.1.3.6)', () => {
    const digest = createHash('sha256').update('an access token').digest();
    expect(accessTokenHash('an access token')).toBe(digest.subarray(0, 16).toString('base64url'));
    expect(accessTokenHash('an access token')).toHaveLength(22);
  });

  it('accepts its own ID tokens as logout hints, expired ones too', async () => {
    const { service, jwt, privateKey } = setup();
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign(
      { iss: ISSUER, sub: 'u', aud: 'rp', at_hash: 'x', sid: 's', iat: now - 7200, exp: now - 3600 },
      { privateKey, algorithm: 'ES256', header: { alg: 'ES256', typ: 'JWT', kid: 'k1' } },
    );
    await expect(service.verifyHint(expired)).resolves.toEqual({ sub: 'u', audiences: ['rp'], sid: 's' });
  });

  it('refuses as hints: an access token, another issuer, an unknown key, garbage', async () => {
    const { service, jwt, privateKey } = setup();
    const sign = (claims: object, header: object) =>
      jwt.sign(claims, { privateKey, algorithm: 'ES256', header: { alg: 'ES256', ...header } });
    const claims = { iss: ISSUER, sub: 'u', aud: 'rp', at_hash: 'x' };
    for (const hint of [
      sign(claims, { typ: 'at+jwt', kid: 'k1' }),
      sign({ ...claims, iss: 'https://other.example' }, { typ: 'JWT', kid: 'k1' }),
      sign(claims, { typ: 'JWT', kid: 'k2' }),
      'not-a-jwt',
    ]) {
      await expect(service.verifyHint(hint)).resolves.toBeNull();
    }
  });
});
