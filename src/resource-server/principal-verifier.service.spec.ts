import { OAuthError } from '../common/oauth/oauth.error';
import type { AccessTokenClaims } from '../tokens/access-token-claims';
import type { AccessTokenStore } from '../tokens/access-token-store.service';
import type { AccessTokenVerifier } from '../tokens/access-token-verifier.service';
import { PrincipalVerifier, toPrincipal } from './principal-verifier.service';

function claimsFor(overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: 'http://localhost:3000',
    sub: '3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f',
    aud: 'http://localhost:3000/api',
    client_id: 'client-abc',
    scope: 'profile notes:read',
    jti: 'jti-1',
    iat: now,
    exp: now + 600,
    ...overrides,
  };
}

function setup(claims: AccessTokenClaims | null, dead: string[] = []) {
  const signatures = { verify: jest.fn(async () => claims) };
  const accessTokens = { isLive: jest.fn(async (jti: string) => !dead.includes(jti)) };
  const verifier = new PrincipalVerifier(
    signatures as unknown as AccessTokenVerifier,
    accessTokens as unknown as AccessTokenStore,
  );
  return { verifier, signatures, accessTokens };
}

async function errorOf(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(OAuthError);
  return error as OAuthError;
}

describe(PrincipalVerifier.name, () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('answers the principal of a valid, live token', async () => {
    const { verifier, accessTokens } = setup(claimsFor());
    await expect(verifier.verify('token')).resolves.toEqual({
      userId: '3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f',
      clientId: 'client-abc',
      scopes: ['profile', 'notes:read'],
      audiences: ['http://localhost:3000/api'],
      jti: 'jti-1',
      expiresAt: expect.any(Date),
    });
    expect(accessTokens.isLive).toHaveBeenCalledWith('jti-1');
  });

  it('rejects a token that fails signature or claim checks with invalid_token, and checks it again next time', async () => {
    const { verifier, signatures, accessTokens } = setup(null);
    for (let i = 0; i < 2; i += 1) {
      const error = await errorOf(verifier.verify('forged'));
      expect(error).toMatchObject({ code: 'invalid_token', status: 401, challenge: 'Bearer' });
    }
    expect(signatures.verify).toHaveBeenCalledTimes(2);
    expect(accessTokens.isLive).not.toHaveBeenCalled();
  });

  it('rejects a revoked or deleted token with invalid_token', async () => {
    const { verifier } = setup(claimsFor(), ['jti-1']);
    const error = await errorOf(verifier.verify('token'));
    expect(error).toMatchObject({ code: 'invalid_token', description: 'The access token has been revoked' });
  });

  it('asks the database about revocation on every request', async () => {
    const { verifier, accessTokens } = setup(claimsFor());
    await verifier.verify('token');
    await verifier.verify('token');
    expect(accessTokens.isLive).toHaveBeenCalledTimes(2);
    accessTokens.isLive.mockResolvedValue(false);
    await expect(errorOf(verifier.verify('token'))).resolves.toMatchObject({ code: 'invalid_token' });
  });
});

describe('toPrincipal', () => {
  it('gives a client-credentials token (sub = client_id) no user', () => {
    expect(toPrincipal(claimsFor({ sub: 'client-abc' })).userId).toBeNull();
  });

  it('reads an empty or malformed scope as no scopes', () => {
    expect(toPrincipal(claimsFor({ scope: '' })).scopes).toEqual([]);
    expect(toPrincipal(claimsFor({ scope: 'a  b' })).scopes).toEqual([]);
    expect(toPrincipal(claimsFor({ scope: 42 as unknown as string })).scopes).toEqual([]);
  });
});
