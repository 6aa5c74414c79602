import type { ConfigType } from '@nestjs/config';
import type { JwtService } from '@nestjs/jwt';
import type { oauthConfig } from '../config/oauth.config';
import type { AccessTokenClaims } from './access-token-claims';
import { AccessTokenVerifier } from './access-token-verifier.service';
import type { KeysService } from './keys/keys.service';

const LEEWAY_SECONDS = 30;

function claimsFor(overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: 'http://localhost:3000',
    sub: 'user-1',
    aud: 'http://localhost:3000/api',
    client_id: 'client-abc',
    scope: 'profile',
    jti: 'jti-1',
    iat: now,
    exp: now + 600,
    ...overrides,
  };
}

function setup(claims: AccessTokenClaims) {
  const jwt = {
    decode: jest.fn(() => ({ header: { alg: 'ES256', typ: 'at+jwt', kid: 'k1' } })),
    verify: jest.fn(() => claims),
  };
  const keys = { findVerificationKey: jest.fn(async () => ({ kid: 'k1', publicKey: {} })) };
  const service = new AccessTokenVerifier(
    keys as unknown as KeysService,
    jwt as unknown as JwtService,
    {
      issuer: 'http://localhost:3000',
      resourceAudience: 'http://localhost:3000/api',
      clockLeewaySeconds: LEEWAY_SECONDS,
    } as ConfigType<typeof oauthConfig>,
  );
  return { service, jwt };
}

describe(AccessTokenVerifier.name, () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('reuses a signature check for the same token text only', async () => {
    const { service, jwt } = setup(claimsFor());
    await service.verify('token');
    await service.verify('token');
    expect(jwt.verify).toHaveBeenCalledTimes(1);
    await service.verify('token2');
    expect(jwt.verify).toHaveBeenCalledTimes(2);
  });

  it('stops reusing a check once the token expires beyond the leeway (RFC 9068 §4)', async () => {
    const start = Date.now();
    const claims = claimsFor({ exp: Math.floor(start / 1000) - 10 });
    const { service, jwt } = setup(claims);
    await service.verify('token');
    const expiry = (claims.exp + LEEWAY_SECONDS) * 1000;
    jest.spyOn(Date, 'now').mockReturnValue(expiry - 1);
    await service.verify('token');
    expect(jwt.verify).toHaveBeenCalledTimes(1);
    jest.spyOn(Date, 'now').mockReturnValue(expiry);
    jwt.verify.mockImplementation(() => {
      throw new Error('jwt expired');
    });
    await expect(service.verify('token')).resolves.toBeNull();
    expect(jwt.verify).toHaveBeenCalledTimes(2);
  });

  it('checks the signature again after 30 seconds (keys may have changed)', async () => {
    const start = Date.now();
    const { service, jwt } = setup(claimsFor());
    await service.verify('token');
    jest.spyOn(Date, 'now').mockReturnValue(start + 29_000);
    await service.verify('token');
    expect(jwt.verify).toHaveBeenCalledTimes(1);
    jest.spyOn(Date, 'now').mockReturnValue(start + 31_000);
    await service.verify('token');
    expect(jwt.verify).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['another typ', { alg: 'ES256', typ: 'JWT', kid: 'k1' }],
    ['another alg', { alg: 'HS256', typ: 'at+jwt', kid: 'k1' }],
    ['no kid', { alg: 'ES256', typ: 'at+jwt' }],
  ])('rejects a token with %s before checking its signature (RFC 9068 §4)', async (_name, header) => {
    const { service, jwt } = setup(claimsFor());
    jwt.decode.mockReturnValue({ header } as never);
    await expect(service.verify('token')).resolves.toBeNull();
    expect(jwt.verify).not.toHaveBeenCalled();
  });

  it('never remembers a token that failed', async () => {
    const { service, jwt } = setup(claimsFor());
    jwt.verify.mockImplementation(() => {
      throw new Error('invalid signature');
    });
    await expect(service.verify('forged')).resolves.toBeNull();
    await expect(service.verify('forged')).resolves.toBeNull();
    expect(jwt.verify).toHaveBeenCalledTimes(2);
  });
});
