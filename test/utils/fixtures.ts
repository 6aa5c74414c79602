import { createHash, randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { ClientEntity } from '../../src/clients/client.entity';
import { ClientsService, NewClient } from '../../src/clients/clients.service';
import type { AccessTokenClaims } from '../../src/tokens/access-token-claims';
import { AccessTokenSigner } from '../../src/tokens/access-token-signer.service';
import { AccessTokenStore } from '../../src/tokens/access-token-store.service';
import { AccessTokenVerifier } from '../../src/tokens/access-token-verifier.service';
import { AuthorizationCodesService, NewAuthorizationCode } from '../../src/tokens/authorization-codes.service';
import { UsersService } from '../../src/users/users.service';

/** A test app, or any Nest application context (e.g. the CLI's, next to spawned instances). */
export type Providers = Pick<INestApplicationContext, 'get'>;

/** The password every test user gets unless the test names one. */
export const TEST_PASSWORD = 'correct horse battery';

export interface TestUser {
  id: string;
  username: string;
  password: string;
}

/**
 * A user (random name, TEST_PASSWORD unless told), registered through UsersService at the app's
 * password-hash cost: the cheapest one allowed in test apps (see createTestApp), the production
 * cost where a spec sets it.
 */
export async function createUser(
  t: Providers,
  options: { username?: string; password?: string; email?: string; name?: string } = {},
): Promise<TestUser> {
  const username = options.username ?? `user-${randomBytes(4).toString('hex')}`;
  const password = options.password ?? TEST_PASSWORD;
  const user = await t.get(UsersService).create(username, password, { email: options.email, name: options.name });
  return { id: user.id, username, password };
}

export interface TestClient {
  client: ClientEntity;
  clientId: string;
  /** Only for a confidential client. */
  clientSecret?: string;
  /** The first registered redirect URI. */
  redirectUri: string;
}

/**
 * Registers a client the way the CLI does. Unless told otherwise: confidential with
 * client_secret_basic, redirect URI https://c1.example/cb, every known scope, and the grants
 * authorization_code and refresh_token, plus client_credentials when confidential.
 */
export async function createClient(t: Providers, input: Partial<NewClient> = {}): Promise<TestClient> {
  const grantTypes = input.isPublic
    ? ['authorization_code', 'refresh_token']
    : ['authorization_code', 'refresh_token', 'client_credentials'];
  const { client, clientSecret } = await t.get(ClientsService).create({
    name: 'Test client',
    redirectUris: ['https://c1.example/cb'],
    grantTypes,
    scope: 'profile notes:read notes:write',
    ...input,
  });
  return { client, clientId: client.clientId, clientSecret, redirectUri: client.redirectUris[0] };
}

/** A PKCE pair (RFC 7636 §4.1–4.2, S256). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Stores an authorization code for a client and user, with a fresh S256 challenge unless given. */
export async function createCode(
  t: Providers,
  input: Pick<NewAuthorizationCode, 'clientId' | 'userId'> & Partial<NewAuthorizationCode>,
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const code = await t.get(AuthorizationCodesService).create({
    redirectUri: 'https://c1.example/cb',
    scope: 'profile notes:read',
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    ...input,
  });
  return { code, verifier };
}

export interface MintedToken {
  accessToken: string;
  jti: string;
}

/** An access token issued by the server itself (a user's, or the client's own when userId is null). */
export async function mintAccessToken(
  t: Providers,
  input: { clientId: string; userId: string | null; scope: string; audience?: readonly string[] },
): Promise<MintedToken> {
  const issued = await t.get(AccessTokenSigner).issue({ ...input, grantId: null });
  return { accessToken: issued.accessToken, jti: issued.jti };
}

/** The claims of an access token that verifies and is neither revoked nor deleted; null otherwise. */
export async function activeAccessTokenClaims(t: Providers, token: string): Promise<AccessTokenClaims | null> {
  const claims = await t.get(AccessTokenVerifier).verify(token);
  return claims && (await t.get(AccessTokenStore).isLive(claims.jti)) ? claims : null;
}
