import { createHash, randomBytes } from 'node:crypto';
import request, { Response } from 'supertest';
import { ClientsService, NewClient } from '../../src/clients/clients.service';
import { AuthorizationCodesService, NewAuthorizationCode } from '../../src/tokens/authorization-codes.service';
import { UsersService } from '../../src/users/users.service';
import type { TestApp } from './app';

export interface TestClient {
  clientId: string;
  clientSecret?: string;
}

/** Registers a client the way the CLI does; confidential with client_secret_basic unless told otherwise. */
export async function createClient(t: TestApp, input: Partial<NewClient> = {}): Promise<TestClient> {
  const { client, clientSecret } = await t.get(ClientsService).create({
    name: 'Test client',
    redirectUris: ['https://c1.example/cb'],
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    scope: 'profile notes:read notes:write',
    ...input,
  });
  return { clientId: client.clientId, clientSecret };
}

export async function createUser(
  t: TestApp,
  username = `u${randomBytes(4).toString('hex')}`,
  password = 'correct horse battery',
) {
  const user = await t.get(UsersService).create(username, password);
  return { id: user.id, username, password };
}

/** RFC 6749 §2.3.1: form-url-encode id and secret, then Basic-encode them. */
export function basic(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

export function basicOf(client: TestClient): string {
  return basic(client.clientId, client.clientSecret as string);
}

/** A PKCE pair (RFC 7636 §4.1–4.2, S256). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Creates an authorization code for a client and user, with a fresh S256 challenge unless given. */
export async function createCode(
  t: TestApp,
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

/** POSTs a form to an endpoint, optionally with a Basic header. */
export function postForm(
  t: TestApp,
  path: string,
  form: Record<string, string | string[]>,
  authorization?: string,
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) {
    for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
  }
  const req = request(t.server).post(path).type('form').send(body.toString());
  return authorization ? req.set('Authorization', authorization) : req;
}

export function tokenRequest(t: TestApp, form: Record<string, string | string[]>, authorization?: string) {
  return postForm(t, '/oauth/token', form, authorization);
}

/** RFC 6749 §5.1: token and error responses are never cached. */
export function expectNoStore(res: Response): void {
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers.pragma).toBe('no-cache');
}

export function expectJson(res: Response): void {
  expect(res.headers['content-type']).toMatch(/^application\/json(; ?charset=utf-8)?$/);
}

/**
 * SECURITY-CASES `T(e,s)`: status, JSON, no-store, body with exactly `error` (+ description), and a
 * Basic challenge on 401 only (RFC 6749 §5.2).
 */
export function expectOAuthError(res: Response, status: number, error: string): void {
  expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
  expectJson(res);
  expectNoStore(res);
  expect(Object.keys(res.body).sort()).toEqual(
    'error_description' in res.body ? ['error', 'error_description'] : ['error'],
  );
  // RFC 6749 §5.2: error text is limited to %x20-21 / %x23-5B / %x5D-7E.
  expect(`${res.body.error}${res.body.error_description ?? ''}`).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/);
  if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Basic realm="[^"]+"/);
  else expect(res.headers['www-authenticate']).toBeUndefined();
}

/** A successful token response (RFC 6749 §5.1). */
export function expectTokenResponse(res: Response, options: { scope?: string; hasRefreshToken: boolean }): void {
  expect(res.status).toBe(200);
  expectJson(res);
  expectNoStore(res);
  expect(res.body).toEqual({
    access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    token_type: 'Bearer',
    expires_in: expect.any(Number),
    scope: options.scope ?? expect.any(String),
    ...(options.hasRefreshToken ? { refresh_token: expect.stringMatching(/^[\w-]{43}$/) } : {}),
  });
}

/** Introspects a token with the given client's credentials and returns the body. */
export async function introspect(t: TestApp, client: TestClient, token: string): Promise<Record<string, unknown>> {
  const res = await postForm(t, '/oauth/introspect', { token }, basicOf(client));
  expect(res.status).toBe(200);
  return res.body as Record<string, unknown>;
}

/** Decodes a JWT's header and claims without verifying it. */
export function decodeJwt(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, claims] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return { header, claims };
}

/** Runs the code exchange for a user and returns the token response body (access and refresh token). */
export async function obtainTokens(
  t: TestApp,
  client: TestClient,
  userId: string,
  scope = 'profile notes:read',
): Promise<{ access_token: string; refresh_token: string; scope: string }> {
  const { code, verifier } = await createCode(t, { clientId: client.clientId, userId, scope });
  const form = {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: 'https://c1.example/cb',
  };
  const res = client.clientSecret
    ? await tokenRequest(t, form, basicOf(client))
    : await tokenRequest(t, { ...form, client_id: client.clientId });
  expect(res.status).toBe(200);
  return res.body;
}

/** Refreshes with the client's credentials. */
export function refresh(t: TestApp, client: TestClient, refreshToken: string, extra: Record<string, string> = {}) {
  const form = { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra };
  return client.clientSecret
    ? tokenRequest(t, form, basicOf(client))
    : tokenRequest(t, { ...form, client_id: client.clientId });
}
