import request, { Response } from 'supertest';
import type { TestApp } from './app';
import { createCode, TestClient } from './fixtures';

/** RFC 6749 §2.3.1: form-url-encode id and secret, then Basic-encode them. */
export function basic(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/** The Basic header of a confidential client. */
export function basicOf(client: Pick<TestClient, 'clientId' | 'clientSecret'>): string {
  return basic(client.clientId, client.clientSecret as string);
}

/** POSTs a form to the in-process app (supertest), optionally with an Authorization header. */
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

/** Sends a token request as the client would: Basic for a confidential client, client_id for a public one. */
export function clientTokenRequest(t: TestApp, client: TestClient, form: Record<string, string | string[]>) {
  return client.clientSecret
    ? tokenRequest(t, form, basicOf(client))
    : tokenRequest(t, { ...form, client_id: client.clientId });
}

/** RFC 6749 §4.1.3: redeems a code; `verifier` and `redirectUri` are left out when undefined. */
export function redeemCode(
  t: TestApp,
  client: TestClient,
  code: string,
  verifier: string | undefined,
  redirectUri: string | undefined = client.redirectUri,
): Promise<Response> {
  const form: Record<string, string> = { grant_type: 'authorization_code', code };
  if (verifier !== undefined) form.code_verifier = verifier;
  if (redirectUri !== undefined) form.redirect_uri = redirectUri;
  return clientTokenRequest(t, client, form);
}

/** Refreshes with the client's credentials. */
export function refresh(t: TestApp, client: TestClient, refreshToken: string, extra: Record<string, string> = {}) {
  return clientTokenRequest(t, client, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
}

/** Runs the code exchange for a user and returns the token response body (access and refresh token). */
export async function obtainTokens(
  t: TestApp,
  client: TestClient,
  userId: string,
  scope = 'profile notes:read',
): Promise<{ access_token: string; refresh_token: string; scope: string }> {
  const { code, verifier } = await createCode(t, { clientId: client.clientId, userId, scope });
  const res = await redeemCode(t, client, code, verifier, 'https://c1.example/cb');
  expect(res.status).toBe(200);
  return res.body;
}

/** Introspects a token with the given client's credentials and returns the body. */
export async function introspect(t: TestApp, client: TestClient, token: string): Promise<Record<string, unknown>> {
  const res = await postForm(t, '/oauth/introspect', { token }, basicOf(client));
  expect(res.status).toBe(200);
  return res.body as Record<string, unknown>;
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
