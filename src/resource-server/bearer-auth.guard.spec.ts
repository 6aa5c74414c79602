import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OAuthError } from '../common/oauth/oauth.error';
import type { ResourceCatalog } from '../resources/resource-catalog';
import type { PrincipalVerifier } from './principal-verifier.service';
import { BearerAuthGuard, readBearerToken } from './bearer-auth.guard';
import { BearerStrategy } from './bearer.strategy';
import { ForResource } from './for-resource.decorator';
import type { Principal } from './principal';

interface StubRequest {
  headers: { authorization?: string };
  query?: unknown;
  body?: unknown;
  user?: unknown;
}

const API = 'https://as.example/api';
const METADATA = 'https://as.example/.well-known/oauth-protected-resource/api';
const catalog = { identifierOf: () => API } as unknown as ResourceCatalog;

@ForResource({ resource: 'resourceAudience' })
class NotesController {}

class UnmarkedController {}

function contextFor(request: StubRequest, controller: abstract new () => unknown = NotesController): ExecutionContext {
  return {
    getClass: () => controller,
    getHandler: () => () => undefined,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
}

async function errorOf(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(OAuthError);
  return error as OAuthError;
}

function errorOfSync(action: () => unknown): OAuthError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(OAuthError);
    return error as OAuthError;
  }
  throw new Error('expected an error');
}

const GOOD_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln-_~+/==';

describe('readBearerToken', () => {
  it.each(['Bearer', 'bearer', 'BEARER'])('reads the token after the case-insensitive scheme %s', (scheme) => {
    expect(readBearerToken({ headers: { authorization: `${scheme} ${GOOD_TOKEN}` } })).toBe(GOOD_TOKEN);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['the Basic scheme', 'Basic dXNlcjpwYXNz'],
    ['an unknown scheme', `Token ${GOOD_TOKEN}`],
    ['a scheme that only starts like Bearer', `Bearerx ${GOOD_TOKEN}`],
  ])('answers %s with a bare challenge (RFC 6750 §3.1)', (_name, authorization) => {
    const error = errorOfSync(() => readBearerToken({ headers: { authorization } }));
    expect(error).toMatchObject({ status: 401, challenge: 'Bearer', isBareChallenge: true });
  });

  it.each([
    'Bearer',
    'Bearer ',
    'Bearer a b',
    'Bearer a,b',
    'Bearer a=b',
    'Bearer =a',
    'Bearer  a',
    'Bearer a\tb',
    'Bearer é',
  ])('answers the malformed header %j with invalid_request (RFC 6750 §2.1)', (authorization) => {
    const error = errorOfSync(() => readBearerToken({ headers: { authorization } }));
    expect(error).toMatchObject({ code: 'invalid_request', status: 400, challenge: 'Bearer', isBareChallenge: false });
  });

  it.each([
    ['the query string', { query: { access_token: 'x' } }],
    ['the query string, empty', { query: { access_token: '' } }],
    ['a form body', { body: { access_token: 'x' } }],
  ])('ignores a token in %s alone: bare challenge', (_name, extra) => {
    const error = errorOfSync(() => readBearerToken({ headers: {}, ...extra }));
    expect(error).toMatchObject({ status: 401, isBareChallenge: true });
  });

  it.each([
    ['the query string', { query: { access_token: GOOD_TOKEN } }],
    ['a form body', { body: { access_token: GOOD_TOKEN } }],
    ['a null-prototype query', { query: Object.assign(Object.create(null) as object, { access_token: 'x' }) }],
  ])('answers a token in the header and in %s with invalid_request (RFC 6750 §2)', (_name, extra) => {
    const error = errorOfSync(() => readBearerToken({ headers: { authorization: `Bearer ${GOOD_TOKEN}` }, ...extra }));
    expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
  });

  it('accepts other query and body parameters beside a header token', () => {
    const request = { headers: { authorization: `Bearer ${GOOD_TOKEN}` }, query: { limit: '2' }, body: { title: 'x' } };
    expect(readBearerToken(request)).toBe(GOOD_TOKEN);
  });
});

describe(BearerAuthGuard.name, () => {
  const principal: Principal = {
    userId: 'user-1',
    clientId: 'client-1',
    scopes: ['notes:read'],
    audiences: [API],
    jti: 'jti-1',
    expiresAt: new Date(Date.now() + 60_000),
  };
  const verify = jest.fn<Promise<Principal>, [string]>();
  // Registers the 'bearer' strategy with passport, as ResourceServerModule does.
  new BearerStrategy({ verify } as unknown as PrincipalVerifier);
  const guard = new BearerAuthGuard(new Reflector(), catalog);

  beforeEach(() => {
    verify.mockReset();
  });

  it('puts the verified principal on request.user', async () => {
    verify.mockResolvedValue(principal);
    const request: StubRequest = { headers: { authorization: `bearer ${GOOD_TOKEN}` }, query: {} };
    await expect(guard.canActivate(contextFor(request))).resolves.toBe(true);
    expect(verify).toHaveBeenCalledWith(GOOD_TOKEN);
    expect(request.user).toBe(principal);
  });

  it('refuses a token for another resource with invalid_token, pointing at this resource’s metadata (RFC 8707)', async () => {
    verify.mockResolvedValue({ ...principal, audiences: ['https://as.example/mcp'] });
    const error = await errorOf(guard.canActivate(contextFor({ headers: { authorization: `Bearer ${GOOD_TOKEN}` } })));
    expect(error).toMatchObject({ code: 'invalid_token', status: 401, resourceMetadata: METADATA });
  });

  it('accepts a token for several resources when this one is among them', async () => {
    verify.mockResolvedValue({ ...principal, audiences: ['https://as.example/mcp', API] });
    await expect(guard.canActivate(contextFor({ headers: { authorization: `Bearer ${GOOD_TOKEN}` } }))).resolves.toBe(
      true,
    );
  });

  it('fails closed on a controller that does not say which resource it serves', async () => {
    verify.mockResolvedValue(principal);
    const request = { headers: { authorization: `Bearer ${GOOD_TOKEN}` } };
    await expect(guard.canActivate(contextFor(request, UnmarkedController))).rejects.toThrow(/has no @ForResource/);
  });

  it('passes the verifier’s invalid_token through unchanged', async () => {
    verify.mockRejectedValue(
      new OAuthError('invalid_token', 'The access token has been revoked', { challenge: 'Bearer' }),
    );
    const error = await errorOf(guard.canActivate(contextFor({ headers: { authorization: `Bearer ${GOOD_TOKEN}` } })));
    expect(error).toMatchObject({
      code: 'invalid_token',
      status: 401,
      description: 'The access token has been revoked',
      resourceMetadata: METADATA,
    });
  });

  it('answers 503 temporarily_unavailable, not 500, when the check itself fails', async () => {
    const outage = new Error('connect ECONNREFUSED');
    verify.mockRejectedValue(outage);
    const error = await errorOf(guard.canActivate(contextFor({ headers: { authorization: `Bearer ${GOOD_TOKEN}` } })));
    expect(error).toMatchObject({ code: 'temporarily_unavailable', status: 503 });
    expect(error.cause).toBe(outage);
  });

  it('never lets passport-http-bearer take a token from the query string', async () => {
    const error = await errorOf(guard.canActivate(contextFor({ headers: {}, query: { access_token: GOOD_TOKEN } })));
    expect(error).toMatchObject({ status: 401, isBareChallenge: true });
    expect(verify).not.toHaveBeenCalled();
  });

  it('never lets passport-http-bearer take a token from the body', async () => {
    const error = await errorOf(guard.canActivate(contextFor({ headers: {}, body: { access_token: GOOD_TOKEN } })));
    expect(error).toMatchObject({ status: 401, isBareChallenge: true });
    expect(verify).not.toHaveBeenCalled();
  });

  it('rejects a malformed header before the verifier runs', async () => {
    const error = await errorOf(guard.canActivate(contextFor({ headers: { authorization: 'Bearer a b' } })));
    expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(verify).not.toHaveBeenCalled();
  });

  describe('handleRequest', () => {
    const context = contextFor({ headers: {} });

    it('turns a passport 400 into invalid_request', () => {
      expect(errorOfSync(() => guard.handleRequest(null, false, 'Bearer realm="Users"', context, 400))).toMatchObject({
        code: 'invalid_request',
        status: 400,
        challenge: 'Bearer',
      });
    });

    it('turns a missing user without status into a bare challenge', () => {
      expect(errorOfSync(() => guard.handleRequest(null, false, undefined, context))).toMatchObject({
        status: 401,
        isBareChallenge: true,
      });
    });

    it('returns the user when there is one', () => {
      expect(guard.handleRequest(null, principal, undefined, context)).toBe(principal);
    });
  });
});

describe(BearerStrategy.name, () => {
  it('rejects a token that is not one string (a repeated parameter) with invalid_request', () => {
    const strategy = new BearerStrategy({ verify: jest.fn() } as unknown as PrincipalVerifier);
    expect(() => strategy.validate(['a', 'b'])).toThrow(OAuthError);
  });
});
