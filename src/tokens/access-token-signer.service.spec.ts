import { generateKeyPairSync } from 'node:crypto';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { jwtVerify } from 'jose';
import type { EntityManager } from 'typeorm';
import type { oauthConfig } from '../config/oauth.config';
import type { AccessTokenClaims } from './access-token-claims';
import { AccessTokenSigner } from './access-token-signer.service';
import type { AccessTokenStore } from './access-token-store.service';
import type { KeysService } from './keys/keys.service';

function setup() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keys = { getSigningKey: () => ({ kid: 'k1', privateKey, publicKey }) };
  const store = { insert: jest.fn(async () => undefined) };
  const jwt = new JwtService({});
  const signer = new AccessTokenSigner(
    keys as unknown as KeysService,
    {
      issuer: 'http://localhost:3000',
      resourceAudience: 'http://localhost:3000/api',
      accessTokenTtlSeconds: 600,
    } as ConfigType<typeof oauthConfig>,
    store as unknown as AccessTokenStore,
  );
  return { signer, store, jwt, publicKey, privateKey };
}

describe(AccessTokenSigner.name, () => {
  it('signs an ES256 at+jwt with the RFC 9068 claims and the key id', async () => {
    const { signer, jwt, publicKey } = setup();
    const issued = await signer.issue({ clientId: 'client-abc', userId: 'user-1', scope: 'profile', grantId: 'g1' });
    const { header } = jwt.decode<{ header: Record<string, string> }>(issued.accessToken, { complete: true });
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
    const claims = jwt.verify<AccessTokenClaims>(issued.accessToken, {
      publicKey: publicKey as unknown as Buffer,
      algorithms: ['ES256'],
    });
    expect(claims).toEqual({
      iss: 'http://localhost:3000',
      sub: 'user-1',
      aud: 'http://localhost:3000/api',
      client_id: 'client-abc',
      scope: 'profile',
      jti: issued.jti,
      iat: expect.any(Number),
      exp: claims.iat + 600,
    });
    expect(issued).toMatchObject({ expiresIn: 600, expiresAt: new Date(claims.exp * 1000) });
  });

  it('signs the same header and claims bytes as @nestjs/jwt, verified by @nestjs/jwt and jose', async () => {
    const { signer, jwt, publicKey, privateKey } = setup();
    const issued = await signer.issue({
      clientId: 'client-abc',
      userId: null,
      scope: 'profile notes:read',
      grantId: null,
      audience: ['https://a.example/api', 'https://b.example/api'],
    });
    const [header, payload, signature] = issued.accessToken.split('.');
    const claims = jwt.decode<AccessTokenClaims>(issued.accessToken);
    const reference = jwt.sign(claims, {
      privateKey,
      algorithm: 'ES256',
      header: { alg: 'ES256', typ: 'at+jwt', kid: 'k1' },
    });
    // ECDSA signatures are randomized: the signed input is byte-for-byte the library's.
    expect(`${header}.${payload}`).toBe(reference.split('.').slice(0, 2).join('.'));
    // RFC 7518 §3.4: R || S, 64 octets, base64url without padding.
    expect(signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(
      jwt.verify<AccessTokenClaims>(issued.accessToken, {
        publicKey: publicKey as unknown as Buffer,
        algorithms: ['ES256'],
      }),
    ).toEqual(claims);
    const verified = await jwtVerify(issued.accessToken, publicKey, {
      algorithms: ['ES256'],
      typ: 'at+jwt',
      issuer: 'http://localhost:3000',
      audience: 'https://b.example/api',
    });
    expect(verified.payload).toEqual(claims);
    expect(verified.protectedHeader).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
  });

  it('names the client as the subject of a client-credentials token (RFC 9068 §2.2)', async () => {
    const { signer, jwt } = setup();
    const issued = await signer.issue({ clientId: 'client-abc', userId: null, scope: '', grantId: null });
    expect(jwt.decode<AccessTokenClaims>(issued.accessToken)).toMatchObject({ sub: 'client-abc' });
  });

  it('records the token before returning it, in the caller’s transaction when given one', async () => {
    const { signer, store } = setup();
    const manager = {} as EntityManager;
    const issued = await signer.issue({ clientId: 'c', userId: 'u', scope: 'profile', grantId: 'g' }, manager);
    expect(store.insert).toHaveBeenCalledWith(
      {
        jti: issued.jti,
        grantId: 'g',
        clientId: 'c',
        userId: 'u',
        scope: 'profile',
        expiresAt: issued.expiresAt,
        createdAt: expect.any(Date),
      },
      manager,
    );
  });

  it('hands out no token when the record cannot be stored', async () => {
    const { signer, store } = setup();
    store.insert.mockRejectedValueOnce(new Error('db gone'));
    await expect(signer.issue({ clientId: 'c', userId: null, scope: '', grantId: null })).rejects.toThrow('db gone');
  });
});
