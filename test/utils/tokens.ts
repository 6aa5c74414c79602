import { createHmac, KeyObject, randomBytes, sign } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { ClientsService } from '../../src/clients/clients.service';
import type { AccessTokenClaims } from '../../src/tokens/access-token-claims';
import { AccessTokenSigner } from '../../src/tokens/access-token-signer.service';
import { AccessTokenStore } from '../../src/tokens/access-token-store.service';
import { AccessTokenVerifier } from '../../src/tokens/access-token-verifier.service';
import { KeysService } from '../../src/tokens/keys/keys.service';
import { UsersService } from '../../src/users/users.service';

/** A test app, or a Nest application: anything that resolves providers. */
type Providers = Pick<INestApplicationContext, 'get'>;

export interface TestUser {
  id: string;
  username: string;
}

export interface MintedToken {
  accessToken: string;
  jti: string;
}

/** A user with a random name. */
export async function createUser(t: Providers, username = `user-${randomBytes(4).toString('hex')}`): Promise<TestUser> {
  const user = await t.get(UsersService).create(username, 'correct horse battery staple');
  return { id: user.id, username: user.username };
}

/** A confidential client registered for every sample scope and for client credentials. */
export async function createClient(t: Providers, name = 'Test client'): Promise<string> {
  const { client } = await t.get(ClientsService).create({
    name,
    redirectUris: ['https://c1.example/cb'],
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    scope: 'profile notes:read notes:write',
  });
  return client.clientId;
}

/** An access token issued by the server itself (user token, or client token when userId is null). */
export async function mintAccessToken(
  t: Providers,
  input: { clientId: string; userId: string | null; scope: string },
): Promise<MintedToken> {
  const issued = await t.get(AccessTokenSigner).issue({ ...input, grantId: null });
  return { accessToken: issued.accessToken, jti: issued.jti };
}

/** The claims of an access token that verifies and is neither revoked nor deleted; null otherwise. */
export async function activeAccessTokenClaims(t: Providers, token: string): Promise<AccessTokenClaims | null> {
  const claims = await t.get(AccessTokenVerifier).verify(token);
  return claims && (await t.get(AccessTokenStore).isLive(claims.jti)) ? claims : null;
}

export function decodePart<T = Record<string, unknown>>(token: string, index: 0 | 1): T {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8')) as T;
}

function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export type JwtSigner = { alg: 'ES256'; key: KeyObject } | { alg: 'HS256'; secret: Buffer | string } | { alg: 'none' };

/** Signs any header and payload, for forged-token cases the server must refuse. */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, signer: JwtSigner): string {
  const input = `${encodePart({ ...header, alg: signer.alg })}.${encodePart(payload)}`;
  switch (signer.alg) {
    case 'ES256':
      return `${input}.${sign('sha256', Buffer.from(input), { key: signer.key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    case 'HS256':
      return `${input}.${createHmac('sha256', signer.secret).update(input).digest('base64url')}`;
    case 'none':
      return `${input}.`;
  }
}

/** The server's current signing key, to forge tokens that differ from a real one in one respect. */
export async function serverSigningKey(
  t: Providers,
): Promise<{ kid: string; privateKey: KeyObject; publicKey: KeyObject }> {
  const key = await t.get(KeysService).getSigningKey();
  return { kid: key.kid, privateKey: key.privateKey, publicKey: key.publicKey };
}

/** Re-signs a real token's claims with the server's key after changing header or claims. */
export async function resign(
  t: Providers,
  token: string,
  changes: { header?: Record<string, unknown>; claims?: Partial<Record<keyof AccessTokenClaims, unknown>> },
): Promise<string> {
  const key = await serverSigningKey(t);
  const header = { ...decodePart<Record<string, unknown>>(token, 0), ...changes.header };
  const claims = { ...decodePart<Record<string, unknown>>(token, 1), ...changes.claims };
  return signJwt(header, claims, { alg: 'ES256', key: key.privateKey });
}
