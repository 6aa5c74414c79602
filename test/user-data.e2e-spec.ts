import { generateKeyPairSync } from 'node:crypto';
import type { ConfigType } from '@nestjs/config';
import request, { Response } from 'supertest';
import { ClientsService } from '../src/clients/clients.service';
import { oauthConfig } from '../src/config/oauth.config';
import { AccessTokenStore } from '../src/tokens/access-token-store.service';
import { UsersService } from '../src/users/users.service';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, mintAccessToken, MintedToken, TestUser } from './utils/fixtures';
import { decodeJwt, resign, serverSigningKey, signJwt } from './utils/jwt';

const ALL_SCOPES = 'profile notes:read notes:write';

let t: TestApp;
let oauth: ConfigType<typeof oauthConfig>;
let clientId: string;
let u1: TestUser;
let u2: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  oauth = t.get(oauthConfig.KEY);
  clientId = (await createClient(t)).clientId;
  u1 = await createUser(t, { username: 'u1' });
  u2 = await createUser(t, { username: 'u2' });
});

afterAll(async () => {
  await t.close();
});

function mint(user: TestUser | null, scope = ALL_SCOPES): Promise<MintedToken> {
  return mintAccessToken(t, { clientId, userId: user?.id ?? null, scope });
}

function bearer(token: string): string {
  return `Bearer ${token}`;
}

/** RFC 6750 §3: status, Bearer challenge (bare when `error` is undefined) and the JSON body. */
function expectBearerError(res: Response, status: number, error?: string, scope?: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { error: error ?? 'invalid_token' } });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  const challenge = res.headers['www-authenticate'];
  expect(challenge).toMatch(/^Bearer realm="tollgate"/);
  if (error) {
    expect(challenge).toContain(`error="${error}"`);
  } else {
    expect(challenge).not.toMatch(/error=|error_description=/);
  }
  if (scope) expect(challenge).toContain(`scope="${scope}"`);
  // Descriptions survive RFC 6749 §5.2 character rules unchanged (nothing replaced by "?").
  expect(res.body.error_description ?? '').not.toContain('?');
  // RFC 9728 §3.1, §5.1: the metadata of the resource itself, at its path-suffixed URL.
  expect(challenge).toContain(`resource_metadata="${oauth.baseUrl}/.well-known/oauth-protected-resource/api"`);
}

describe('GET /api/me', () => {
  it("answers the token user's sub and username", async () => {
    const { accessToken } = await mint(u1, 'profile');
    const res = await request(t.server).get('/api/me').set('Authorization', bearer(accessToken));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ sub: u1.id, username: 'u1' });
  });

  it('refuses a token without the profile scope with insufficient_scope', async () => {
    const { accessToken } = await mint(u1, 'notes:read');
    const res = await request(t.server).get('/api/me').set('Authorization', bearer(accessToken));
    expectBearerError(res, 403, 'insufficient_scope', 'profile');
  });

  it('refuses a client-credentials token (no user) with insufficient_scope', async () => {
    const { accessToken } = await mint(null, 'profile');
    const res = await request(t.server).get('/api/me').set('Authorization', bearer(accessToken));
    expectBearerError(res, 403, 'insufficient_scope', 'profile');
    expect(res.body.error_description).toMatch(/issued for a user/);
  });
});

describe('bearer authentication on GET /api/notes (SECURITY-CASES A9)', () => {
  let token: MintedToken;

  beforeAll(async () => {
    token = await mint(u1);
  });

  const notes = () => request(t.server).get('/api/notes');

  it('accepts a valid token in the Authorization header', async () => {
    const res = await notes().set('Authorization', bearer(token.accessToken));
    expect(res.status).toBe(200);
  });

  it('RS-01: no Authorization header gets a bare challenge', async () => {
    expectBearerError(await notes(), 401);
  });

  it('RS-02: another scheme gets a bare challenge', async () => {
    expectBearerError(await notes().set('Authorization', 'Basic dXNlcjpwYXNz'), 401);
    expectBearerError(await notes().set('Authorization', `Token ${token.accessToken}`), 401);
  });

  it.each([
    'Bearer',
    'Bearer ',
    'Bearer a b',
    'Bearer a,b',
    'Bearer a=b',
    'Bearer a"b',
    'Bearer  two-spaces',
    'Bearer é',
  ])('RS-03: malformed header %j is invalid_request', async (header) => {
    expectBearerError(await notes().set('Authorization', header), 400, 'invalid_request');
  });

  it.each(['bearer', 'BEARER', 'BeArEr'])('RS-04: the scheme %s is case-insensitive', async (scheme) => {
    const res = await notes().set('Authorization', `${scheme} ${token.accessToken}`);
    expect(res.status).toBe(200);
  });

  it('RS-05: a token expired beyond the leeway is invalid_token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await resign(t, token.accessToken, {
      claims: { iat: now - 700, exp: now - oauth.clockLeewaySeconds - 5 },
    });
    expectBearerError(await notes().set('Authorization', bearer(expired)), 401, 'invalid_token');
  });

  it('RB-11: a token expired within the leeway is still accepted', async () => {
    const now = Math.floor(Date.now() / 1000);
    const recent = await resign(t, token.accessToken, { claims: { iat: now - 600, exp: now - 5 } });
    expect((await notes().set('Authorization', bearer(recent))).status).toBe(200);
  });

  it('RS-06: a revoked token is refused on the very next request', async () => {
    const victim = await mint(u1);
    expect((await notes().set('Authorization', bearer(victim.accessToken))).status).toBe(200);
    await t.get(AccessTokenStore).revoke(victim.jti);
    const res = await notes().set('Authorization', bearer(victim.accessToken));
    expectBearerError(res, 401, 'invalid_token');
    expect(res.body.error_description).toMatch(/revoked/);
  });

  describe('RS-07: forged signatures', () => {
    it('a token signed with another key under the server kid is invalid_token', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const { header, claims } = decodeJwt(token.accessToken);
      const forged = signJwt(header, claims, { alg: 'ES256', key: privateKey });
      expectBearerError(await notes().set('Authorization', bearer(forged)), 401, 'invalid_token');
    });

    it('a token signed with an unknown kid is invalid_token', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const { header, claims } = decodeJwt(token.accessToken);
      const forged = signJwt({ ...header, kid: 'attacker-key' }, claims, { alg: 'ES256', key: privateKey });
      expectBearerError(await notes().set('Authorization', bearer(forged)), 401, 'invalid_token');
    });

    it('a token with a tampered payload is invalid_token', async () => {
      const [header, , signature] = token.accessToken.split('.');
      const claims = { ...decodeJwt(token.accessToken).claims, sub: u2.id };
      const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      expectBearerError(await notes().set('Authorization', bearer(tampered)), 401, 'invalid_token');
    });

    it('alg none is invalid_token', async () => {
      const { header, claims } = decodeJwt(token.accessToken);
      const forged = signJwt(header, claims, { alg: 'none' });
      // The b64token grammar admits a trailing "." only inside the token, so send it with a dummy signature too.
      expectBearerError(await notes().set('Authorization', bearer(`${forged}AA`)), 401, 'invalid_token');
      expectBearerError(await notes().set('Authorization', bearer(forged)), 401, 'invalid_token');
    });

    it('HS256 signed with the server public key is invalid_token', async () => {
      const { publicKey } = await serverSigningKey(t);
      const { header, claims } = decodeJwt(token.accessToken);
      for (const secret of [
        publicKey.export({ format: 'pem', type: 'spki' }).toString(),
        publicKey.export({ format: 'der', type: 'spki' }),
        JSON.stringify(publicKey.export({ format: 'jwk' })),
      ]) {
        const forged = signJwt(header, claims, { alg: 'HS256', secret });
        expectBearerError(await notes().set('Authorization', bearer(forged)), 401, 'invalid_token');
      }
    });
  });

  it('a token signed by the server but without exp or iat is invalid_token (RFC 9068 §2.2)', async () => {
    for (const claims of [{ exp: undefined }, { exp: '9999999999' }, { iat: undefined }]) {
      const incomplete = await resign(t, token.accessToken, { claims });
      expectBearerError(await notes().set('Authorization', bearer(incomplete)), 401, 'invalid_token');
    }
  });

  it('RS-08: a JWT with typ "JWT" (ID-token style) is invalid_token', async () => {
    const idStyle = await resign(t, token.accessToken, { header: { typ: 'JWT' } });
    expectBearerError(await notes().set('Authorization', bearer(idStyle)), 401, 'invalid_token');
    const untyped = await resign(t, token.accessToken, { header: { typ: undefined } });
    expectBearerError(await notes().set('Authorization', bearer(untyped)), 401, 'invalid_token');
  });

  it.each([
    ['an opaque refresh-token-like string', 'Nq3nR0mZ4yX2c8kTq7vW1pL5sJ9bA6dF0hG3eK8iU4o'],
    ['a random JWT-shaped string', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'],
    ['a code-like value', 'SplxlOBeZQQYbYS6WxSbIA'],
  ])('RS-08: %s used as an access token is invalid_token', async (_name, value) => {
    expectBearerError(await notes().set('Authorization', bearer(value)), 401, 'invalid_token');
  });

  it('RS-09: a token for another audience is invalid_token', async () => {
    const foreign = await resign(t, token.accessToken, { claims: { aud: 'https://rs2.example/api' } });
    expectBearerError(await notes().set('Authorization', bearer(foreign)), 401, 'invalid_token');
    const multi = await resign(t, token.accessToken, { claims: { aud: ['https://rs2.example/api'] } });
    expectBearerError(await notes().set('Authorization', bearer(multi)), 401, 'invalid_token');
  });

  it('RS-10: a token from another issuer, signed with a trusted key, is invalid_token', async () => {
    const foreign = await resign(t, token.accessToken, { claims: { iss: 'https://evil.example' } });
    expectBearerError(await notes().set('Authorization', bearer(foreign)), 401, 'invalid_token');
  });

  it('RS-11: a valid token without notes:read is insufficient_scope with scope="notes:read"', async () => {
    const { accessToken } = await mint(u1, 'profile notes:write');
    const res = await notes().set('Authorization', bearer(accessToken));
    expectBearerError(res, 403, 'insufficient_scope', 'notes:read');
  });

  it('RS-12: a token in the query string alone gets a bare challenge and is not logged', async () => {
    const res = await request(t.server).get(`/api/notes?access_token=${token.accessToken}`);
    expectBearerError(res, 401);
    expect(t.logs.join('')).not.toContain(token.accessToken);
  });

  it('RS-12: a token in a form body alone gets a bare challenge', async () => {
    const res = await request(t.server)
      .post('/api/notes')
      .type('form')
      .send({ access_token: token.accessToken, title: 'x' });
    expectBearerError(res, 401);
  });

  it('RS-13: a token in the header and in the query string is invalid_request', async () => {
    const res = await request(t.server)
      .get(`/api/notes?access_token=${token.accessToken}`)
      .set('Authorization', bearer(token.accessToken));
    expectBearerError(res, 400, 'invalid_request');
  });

  it('RS-13: a token in the header and in the body is invalid_request, and nothing is written', async () => {
    const res = await request(t.server)
      .post('/api/notes')
      .set('Authorization', bearer(token.accessToken))
      .type('form')
      .send({ access_token: token.accessToken, title: 'sneaky' });
    expectBearerError(res, 400, 'invalid_request');
    const list = await notes().set('Authorization', bearer(token.accessToken));
    expect(list.body.items.map((note: { title: string }) => note.title)).not.toContain('sneaky');
  });

  it('never writes the access token to the log', async () => {
    await notes().set('Authorization', bearer(token.accessToken));
    expect(t.logs.join('')).not.toContain(token.accessToken);
  });
});

describe('tokens whose client or user is gone', () => {
  it('refuses the token of a deleted client', async () => {
    const doomed = (await createClient(t, { name: 'Doomed client' })).clientId;
    const { accessToken } = await mintAccessToken(t, { clientId: doomed, userId: u1.id, scope: ALL_SCOPES });
    expect((await request(t.server).get('/api/me').set('Authorization', bearer(accessToken))).status).toBe(200);
    await t.get(ClientsService).delete(doomed);
    const res = await request(t.server).get('/api/me').set('Authorization', bearer(accessToken));
    expectBearerError(res, 401, 'invalid_token');
  });

  it('refuses the token of a deleted user, even after a cached profile read', async () => {
    const doomed = await createUser(t, { username: 'doomed' });
    const { accessToken } = await mint(doomed);
    const me = await request(t.server).get('/api/me').set('Authorization', bearer(accessToken));
    expect(me.body).toEqual({ sub: doomed.id, username: 'doomed' });
    await t.get(UsersService).delete('doomed');
    const res = await request(t.server).get('/api/me').set('Authorization', bearer(accessToken));
    expectBearerError(res, 401, 'invalid_token');
  });

  it('sees a revocation made by another instance at once, under concurrent load', async () => {
    const victim = await mint(u1);
    const others = await Promise.all([mint(u1), mint(u2)]);
    await t.get(AccessTokenStore).revoke(victim.jti);
    const results = await Promise.all(
      [victim, ...others, victim, ...others].map((minted) =>
        request(t.server).get('/api/notes').set('Authorization', bearer(minted.accessToken)),
      ),
    );
    expect(results.map((res) => res.status)).toEqual([401, 200, 200, 401, 200, 200]);
  });
});

describe('notes', () => {
  let t1: string;
  let t2: string;
  let readOnly: string;

  beforeAll(async () => {
    t1 = (await mint(u1)).accessToken;
    t2 = (await mint(u2)).accessToken;
    readOnly = (await mint(u1, 'notes:read')).accessToken;
  });

  const as = (token: string) => ({
    get: (path: string) => request(t.server).get(path).set('Authorization', bearer(token)),
    post: (path: string, body: unknown) =>
      request(t.server)
        .post(path)
        .set('Authorization', bearer(token))
        .send(body as object),
    patch: (path: string, body: unknown) =>
      request(t.server)
        .patch(path)
        .set('Authorization', bearer(token))
        .send(body as object),
    delete: (path: string) => request(t.server).delete(path).set('Authorization', bearer(token)),
  });

  it('creates, reads, updates and deletes a note', async () => {
    const created = await as(t1).post('/api/notes', { title: 'Groceries', body: 'milk' });
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toMatch(/^application\/json/);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: 'Groceries',
      body: 'milk',
      createdAt: expect.any(String),
      updatedAt: created.body.createdAt,
    });
    expect(new Date(created.body.createdAt).toISOString()).toBe(created.body.createdAt);
    const id: string = created.body.id;

    const read = await as(t1).get(`/api/notes/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const patched = await as(t1).patch(`/api/notes/${id}`, { body: 'milk, eggs' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      id,
      title: 'Groceries',
      body: 'milk, eggs',
      createdAt: created.body.createdAt,
    });
    expect(Date.parse(patched.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));
    expect((await as(t1).get(`/api/notes/${id}`)).body).toEqual(patched.body);

    const deleted = await as(t1).delete(`/api/notes/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await as(t1).get(`/api/notes/${id}`)).status).toBe(404);
    expect((await as(t1).delete(`/api/notes/${id}`)).status).toBe(404);
  });

  it('defaults the body to an empty string and accepts the maximum lengths', async () => {
    const short = await as(t1).post('/api/notes', { title: 'x' });
    expect(short.status).toBe(201);
    expect(short.body.body).toBe('');
    const long = await as(t1).post('/api/notes', { title: 'é'.repeat(200), body: '😀'.repeat(10_000) });
    expect(long.status).toBe(201);
    const read = await as(t1).get(`/api/notes/${long.body.id}`);
    expect(read.body.title).toBe('é'.repeat(200));
    expect(read.body.body).toBe('😀'.repeat(10_000));
  });

  it("keeps users apart: another user's note is 404 for reading, changing and deleting", async () => {
    const mine = await as(t1).post('/api/notes', { title: 'private', body: 'u1 only' });
    const id: string = mine.body.id;
    expect((await as(t2).get(`/api/notes/${id}`)).status).toBe(404);
    expect((await as(t2).patch(`/api/notes/${id}`, { title: 'hacked' })).status).toBe(404);
    expect((await as(t2).delete(`/api/notes/${id}`)).status).toBe(404);
    const list = await as(t2).get('/api/notes?limit=100');
    expect(list.body.items.map((note: { id: string }) => note.id)).not.toContain(id);
    expect((await as(t1).get(`/api/notes/${id}`)).body).toMatchObject({ title: 'private', body: 'u1 only' });
  });

  it('answers 404 with a JSON body for an unknown id', async () => {
    const res = await as(t1).get('/api/notes/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found', error_description: 'Note not found' });
  });

  it('needs notes:write to create, change or delete', async () => {
    const mine = await as(t1).post('/api/notes', { title: 'keep' });
    for (const res of [
      await as(readOnly).post('/api/notes', { title: 'no' }),
      await as(readOnly).patch(`/api/notes/${mine.body.id}`, { title: 'no' }),
      await as(readOnly).delete(`/api/notes/${mine.body.id}`),
    ]) {
      expectBearerError(res, 403, 'insufficient_scope', 'notes:write');
    }
    expect((await as(readOnly).get(`/api/notes/${mine.body.id}`)).body.title).toBe('keep');
  });

  it.each([
    ['not-a-uuid', 'id must be a UUID'],
    ['1%27%20OR%20%271%27%3D%271', 'id must be a UUID'],
    ['00000000-0000-4000-8000-00000000000g', 'id must be a UUID'],
  ])('answers 400 for the bad id %s', async (id, message) => {
    for (const res of [
      await as(t1).get(`/api/notes/${id}`),
      await as(t1).patch(`/api/notes/${id}`, { title: 'x' }),
      await as(t1).delete(`/api/notes/${id}`),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: message });
    }
  });

  it('finds a note by its id in upper case', async () => {
    const mine = await as(t1).post('/api/notes', { title: 'case' });
    const res = await as(t1).get(`/api/notes/${String(mine.body.id).toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(mine.body.id);
  });

  it.each([
    [{}, /title/],
    [{ title: '' }, /title must be 1 to 200 characters/],
    [{ title: 'x'.repeat(201) }, /title must be 1 to 200 characters/],
    [{ title: 42 }, /title must be a string/],
    [{ title: null }, /title/],
    [{ title: 'ok', body: 'x'.repeat(10_001) }, /body must be at most 10000 characters/],
    [{ title: 'ok', body: { $ne: 1 } }, /body must be a string/],
    [{ title: 'ok', body: null }, /body must be a string/],
    [{ title: 'ok', extra: 1 }, /extra/],
    [{ title: 'ok', userId: '00000000-0000-4000-8000-000000000000' }, /userId/],
    [['title'], /./],
  ])('answers 400 to the create body %j and writes nothing', async (body, message) => {
    const before = (await as(t2).get('/api/notes?limit=100')).body.items.length;
    const res = await as(t2).post('/api/notes', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toMatch(message);
    expect((await as(t2).get('/api/notes?limit=100')).body.items).toHaveLength(before);
  });

  it.each([
    ['malformed JSON', '{"title":', 'application/json'],
    ['JSON null', 'null', 'application/json'],
    ['an empty body', '', 'application/json'],
    ['plain text', 'title=x', 'text/plain'],
  ])('answers 4xx, never 500, to %s', async (_name, payload, type) => {
    const res = await request(t.server)
      .post('/api/notes')
      .set('Authorization', bearer(t2))
      .set('Content-Type', type)
      .send(payload);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error).toEqual(expect.any(String));
  });

  it.each([
    [{}, /title, body or both/],
    [{ title: '' }, /title must be 1 to 200 characters/],
    [{ title: null }, /title must be a string/],
    [{ body: null }, /body must be a string/],
    [{ title: ['a', 'b'] }, /title/],
    [{ body: 'x'.repeat(10_001) }, /body must be at most 10000 characters/],
    [{ title: 'ok', createdAt: '2000-01-01T00:00:00.000Z' }, /createdAt/],
  ])('answers 400 to the patch body %j and changes nothing', async (body, message) => {
    const mine = await as(t1).post('/api/notes', { title: 'stable', body: 'same' });
    const res = await as(t1).patch(`/api/notes/${mine.body.id}`, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toMatch(message);
    expect((await as(t1).get(`/api/notes/${mine.body.id}`)).body).toEqual(mine.body);
  });
});

describe('listing notes', () => {
  let token: string;
  let created: Array<{ id: string; createdAt: string }>;

  beforeAll(async () => {
    const user = await createUser(t);
    token = (await mint(user)).accessToken;
    created = [];
    for (let i = 0; i < 7; i += 1) {
      const res = await request(t.server)
        .post('/api/notes')
        .set('Authorization', bearer(token))
        .send({ title: `note ${i}` });
      created.push(res.body);
    }
  });

  const list = (query = '') => request(t.server).get(`/api/notes${query}`).set('Authorization', bearer(token));

  function newestFirst(notes: Array<{ id: string; createdAt: string }>): string[] {
    return [...notes]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((note) => note.id);
  }

  it('answers items newest first and next_cursor null when everything fits', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body.next_cursor).toBeNull();
    expect(res.body.items.map((note: { id: string }) => note.id)).toEqual(newestFirst(created));
    expect(res.body.items[0]).toEqual({
      id: expect.any(String),
      title: expect.any(String),
      body: '',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('pages through every note exactly once with limit and cursor', async () => {
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await list(`?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      pageSizes.push(res.body.items.length);
      seen.push(...res.body.items.map((note: { id: string }) => note.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(pageSizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(newestFirst(created));
  });

  it('gives no next_cursor when the last page is exactly full', async () => {
    const first = await list('?limit=7');
    expect(first.body.items).toHaveLength(7);
    expect(first.body.next_cursor).toBeNull();
  });

  it('breaks ties between notes created in the same millisecond by id', async () => {
    const user = await createUser(t);
    const tokenForTies = (await mint(user)).accessToken;
    const sameInstant = '2026-01-02T03:04:05.678Z';
    jest.useFakeTimers({
      now: new Date(sameInstant),
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
    const ties: Array<{ id: string; createdAt: string }> = [];
    try {
      for (let i = 0; i < 4; i += 1) {
        const res = await request(t.server)
          .post('/api/notes')
          .set('Authorization', bearer(tokenForTies))
          .send({ title: `tie ${i}` });
        ties.push(res.body);
      }
    } finally {
      jest.useRealTimers();
    }
    expect(ties.every((note) => note.createdAt === sameInstant)).toBe(true);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await request(t.server)
        .get(`/api/notes?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
        .set('Authorization', bearer(tokenForTies));
      seen.push(...res.body.items.map((note: { id: string }) => note.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(newestFirst(ties));
  });

  it.each(['0', '101', '-1', 'abc', '1.5', ''])('answers 400 to limit=%j', async (limit) => {
    const res = await list(`?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'limit must be an integer from 1 to 100' });
  });

  it('answers 400 to a repeated limit', async () => {
    const res = await list('?limit=1&limit=2');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it.each([
    'garbage',
    '%00',
    Buffer.from('1:not-a-uuid').toString('base64url'),
    Buffer.from("1' OR '1'='1:00000000-0000-4000-8000-000000000000").toString('base64url'),
    Buffer.from('999999999999999:00000000-0000-4000-8000-000000000000').toString('base64url'),
    'x'.repeat(300),
  ])('answers 400 to the cursor %j', async (cursor) => {
    const res = await list(`?cursor=${cursor}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toMatch(/cursor/);
  });

  it('answers 400 to an unknown query parameter', async () => {
    const res = await list('?sort=asc');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toMatch(/Unknown parameter .sort./);
  });
});

describe('GET /.well-known/oauth-protected-resource', () => {
  it('describes the sample API (RFC 9728)', async () => {
    const res = await request(t.server).get('/.well-known/oauth-protected-resource');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      resource: oauth.resourceAudience,
      authorization_servers: [oauth.issuer],
      scopes_supported: ['profile', 'notes:read', 'notes:write'],
      bearer_methods_supported: ['header'],
      resource_name: 'Tollgate sample API',
      resource_documentation: `${oauth.baseUrl}/docs`,
    });
  });

  it('names the audience of the access tokens the server issues', async () => {
    const { accessToken } = await mint(u1);
    const res = await request(t.server).get('/.well-known/oauth-protected-resource');
    expect(decodeJwt<{ aud: string; iss: string }>(accessToken).claims).toMatchObject({
      aud: res.body.resource,
      iss: res.body.authorization_servers[0],
    });
  });
});

describe('OpenAPI description', () => {
  it('lists the sample API with its bearer security and response shapes', async () => {
    const res = await request(t.server).get('/docs/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/me', '/api/notes', '/api/notes/{id}', '/.well-known/oauth-protected-resource']),
    );
    expect(res.body.paths['/api/notes'].get.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(res.body.components.schemas)).toEqual(
      expect.arrayContaining(['NoteDto', 'NoteListDto', 'CreateNoteDto', 'UpdateNoteDto', 'ProfileDto']),
    );
  });
});
