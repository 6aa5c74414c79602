import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import * as argon2 from 'argon2';
import { DataSource } from 'typeorm';
import type { ClientEntity } from '../../src/clients/client.entity';
import { ClientsService, NewClient } from '../../src/clients/clients.service';
import { AccessTokensService } from '../../src/tokens/access-tokens.service';
import { AuthorizationCodesService, NewAuthorizationCode } from '../../src/tokens/authorization-codes.service';
import { UserEntity } from '../../src/users/user.entity';
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

const cheapHashes = new Map<string, Promise<string>>();

/**
 * A user (random name, TEST_PASSWORD unless told). By default stored directly, with an argon2id hash
 * made at the lowest cost (m=1 MiB, t=1): the server verifies it like any other (argon2 reads the
 * cost from the hash) in milliseconds instead of the ~250 ms per hash and per login that the
 * production cost takes. `hash: 'production'` goes through UsersService.create, for tests that
 * measure the cost of a login.
 */
export async function createUser(
  t: Providers,
  options: { username?: string; password?: string; hash?: 'cheap' | 'production' } = {},
): Promise<TestUser> {
  const username = options.username ?? `user-${randomBytes(4).toString('hex')}`;
  const password = options.password ?? TEST_PASSWORD;
  if (options.hash === 'production') {
    const user = await t.get(UsersService).create(username, password);
    return { id: user.id, username, password };
  }
  let hash = cheapHashes.get(password);
  if (!hash) {
    hash = argon2.hash(password, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
    cheapHashes.set(password, hash);
  }
  const user = Object.assign(new UserEntity(), {
    id: randomUUID(),
    username,
    passwordHash: await hash,
    createdAt: new Date(),
  });
  await t.get(DataSource).getRepository(UserEntity).insert(user);
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
  input: { clientId: string; userId: string | null; scope: string },
): Promise<MintedToken> {
  const issued = await t.get(AccessTokensService).issue({ ...input, grantId: null });
  return { accessToken: issued.accessToken, jti: issued.jti };
}
