import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, TestApp } from './utils/app';
import { CORE_TABLES } from './utils/database';
import { createClient, createUser, mintAccessToken } from './utils/fixtures';
import { basicOf } from './utils/oauth';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends exactly these bytes as path and body: no client library may clean them up first. */
function raw(port: number, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) {
  return new Promise<RawResponse>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The server answers 413 and closes while a 10 MB upload is still being written.
      const isOversized = body !== undefined && body.length > 1024 * 1024;
      if (isOversized && (error.code === 'EPIPE' || error.code === 'ECONNRESET')) {
        resolve({ status: 413, headers: {}, body: '' });
      } else reject(error);
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const LEAK =
  /QueryFailedError|SQLITE_[A-Z]|\bER_[A-Z_]{3,}|\bat \S+\.(?:ts|js):\d+|SELECT .+ FROM|INSERT INTO|TypeORM|node_modules/;

const NASTY_VALUES = [
  "' OR '1'='1",
  '";DROP TABLE oauth_clients;--',
  '\\',
  '%00',
  '%C3%28',
  '%C0%AE',
  '%ED%A0%80',
  '%E2%80%AE',
  '%E2%80%8B',
  'cl%C3%AFent',
  '%0d%0aSet-Cookie:%20injected=1',
  'a'.repeat(10_000),
];

/** Keeps %XX sequences as sent and escapes what a request line cannot carry. */
const inQuery = (value: string) => value.replace(/[^A-Za-z0-9%._~!$'()*,;:@/?[\]-]/g, (c) => encodeURIComponent(c));

const SHAPE_TRICKS = ['client_id[]=a', 'code[a]=b', 'scope[0]=x', 'redirect_uri[$ne]=', 'token[]=a&token[]=b'];

describe('hostile input on every endpoint (A12)', () => {
  let t: TestApp;
  let port: number;
  let basicAuth: string;
  let bearer: string;
  let countsBefore: Record<string, number>;

  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of CORE_TABLES) {
      const rows: Array<{ n: number | string }> = await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
      result[table] = Number(rows[0].n);
    }
    return result;
  }

  function check(response: RawResponse, label: string): void {
    expect({ label, status: response.status < 500 }).toEqual({ label, status: true });
    expect(response.body).not.toMatch(LEAK);
    for (const [name, value] of Object.entries(response.headers)) {
      const text = Array.isArray(value) ? value.join('\n') : (value ?? '');
      expect({ label, name, injected: /injected=1/.test(text) && name !== 'location' }).toEqual({
        label,
        name,
        injected: false,
      });
      expect(text).not.toMatch(/[\r\n]/);
    }
    expect(response.headers['set-cookie']?.toString() ?? '').not.toMatch(/injected/);
  }

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    const client = await createClient(t, { name: 'Sweep client' });
    basicAuth = basicOf(client);
    const user = await createUser(t, { username: 'sweep-user' });
    const scope = 'profile notes:read notes:write';
    bearer = `Bearer ${(await mintAccessToken(t, { clientId: client.clientId, userId: user.id, scope })).accessToken}`;
    countsBefore = await counts();
  });

  afterAll(async () => {
    await t.close();
  });

  const FORM_ENDPOINTS: Array<[string, string, 'basic' | 'bearer' | 'none', string[]]> = [
    [
      'POST',
      '/oauth/token',
      'basic',
      ['grant_type', 'code', 'refresh_token', 'redirect_uri', 'code_verifier', 'scope', 'client_id'],
    ],
    ['POST', '/oauth/token', 'none', ['grant_type', 'client_id', 'client_secret', 'username', 'password']],
    ['POST', '/oauth/introspect', 'basic', ['token', 'token_type_hint']],
    ['POST', '/oauth/revoke', 'basic', ['token', 'token_type_hint']],
    [
      'POST',
      '/oauth/authorize',
      'none',
      ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge'],
    ],
    ['POST', '/login', 'none', ['username', 'password', 'csrf_token', 'interaction', 'return_to']],
    ['POST', '/consent', 'none', ['interaction', 'csrf_token', 'decision']],
    ['POST', '/logout', 'none', ['csrf_token']],
    ['POST', '/account/revoke', 'none', ['client_id', 'csrf_token']],
    ['POST', '/api/notes', 'bearer', ['title', 'body']],
  ];

  const QUERY_ENDPOINTS: Array<[string, 'bearer' | 'none', string[]]> = [
    [
      '/oauth/authorize',
      'none',
      ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'prompt'],
    ],
    ['/login', 'none', ['return_to', 'interaction']],
    ['/consent', 'none', ['interaction']],
    ['/account', 'none', []],
    ['/api/me', 'bearer', []],
    ['/api/notes', 'bearer', ['limit', 'cursor']],
    ['/api/notes/%27%20OR%20%271%27%3D%271', 'bearer', []],
    ['/.well-known/oauth-authorization-server', 'none', []],
    ['/.well-known/oauth-protected-resource', 'none', []],
    ['/oauth/jwks', 'none', []],
    ['/health', 'none', []],
  ];

  const authHeader = (kind: 'basic' | 'bearer' | 'none'): Record<string, string> =>
    kind === 'basic' ? { authorization: basicAuth } : kind === 'bearer' ? { authorization: bearer } : {};

  it('answers nasty values in every form field without a 5xx, a leak or an injected header', async () => {
    for (const [method, path, kind, fields] of FORM_ENDPOINTS) {
      for (const field of fields) {
        for (const value of NASTY_VALUES) {
          const body = `grant_type=authorization_code&${field}=${value}`;
          check(await raw(port, method, path, body, authHeader(kind)), `${path} ${field}=${value.slice(0, 20)}`);
        }
      }
      for (const trick of SHAPE_TRICKS) {
        const response = await raw(port, method, path, `grant_type=authorization_code&${trick}`, authHeader(kind));
        check(response, `${path} ${trick}`);
        expect(response.status).toBeGreaterThanOrEqual(300);
      }
    }
  });

  it('answers nasty values in every query parameter the same way', async () => {
    for (const [path, kind, fields] of QUERY_ENDPOINTS) {
      for (const field of [...fields, 'unexpected']) {
        for (const value of NASTY_VALUES) {
          check(
            await raw(port, 'GET', `${path}?${field}=${inQuery(value)}`, undefined, authHeader(kind)),
            `${path}?${field}`,
          );
        }
      }
      for (const trick of SHAPE_TRICKS)
        check(await raw(port, 'GET', `${path}?${trick}`, undefined, authHeader(kind)), `${path}?${trick}`);
    }
  });

  it('refuses oversized bodies (413), thousands of parameters and huge query strings, and stays healthy', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 'a');
    const manyParams = Array.from({ length: 2000 }, (_, i) => `p${i}=x`).join('&');
    for (const [method, path, kind] of FORM_ENDPOINTS) {
      const tooLarge = await raw(port, method, path, big, authHeader(kind));
      expect(tooLarge.status).toBe(413);
      const many = await raw(port, method, path, manyParams, authHeader(kind));
      check(many, `${path} 2000 params`);
      expect([400, 401, 403, 413]).toContain(many.status);
    }
    const hugeQuery = await raw(port, 'GET', `/oauth/authorize?state=${'a'.repeat(100_000)}`);
    expect([400, 413, 414, 431]).toContain(hugeQuery.status);
    const health = await raw(port, 'GET', '/health');
    expect(health.status).toBe(200);
  });

  it('refuses JSON, multipart and missing content types at the token endpoint with invalid_request', async () => {
    for (const contentType of ['application/json', 'multipart/form-data; boundary=x', 'text/plain']) {
      const response = await raw(port, 'POST', '/oauth/token', '{"grant_type":"client_credentials"}', {
        authorization: basicAuth,
        'content-type': contentType,
      });
      check(response, contentType);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
  });

  it('R2-05: answers JSON nested 5,000 deep with 400 invalid_request, and a proto key as plain data', async () => {
    for (const depth of [5000, 33]) {
      const nested = `{"title":"t","body":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const response = await raw(port, 'POST', '/api/notes', nested, {
        authorization: bearer,
        'content-type': 'application/json',
      });
      check(response, `nested ${depth}`);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_request' });
    }
    // Brackets inside strings are text, not nesting: this note is created (and removed again).
    const textual = await raw(port, 'POST', '/api/notes', JSON.stringify({ title: '[[[', body: '{'.repeat(100) }), {
      authorization: bearer,
      'content-type': 'application/json',
    });
    expect(textual.status).toBe(201);
    const removed = await raw(port, 'DELETE', `/api/notes/${JSON.parse(textual.body).id}`, undefined, {
      authorization: bearer,
    });
    expect(removed.status).toBe(204);
    const poisoned = await raw(port, 'POST', '/api/notes', '{"title":"t","body":"b","__proto__":{"x":1}}', {
      authorization: bearer,
      'content-type': 'application/json',
    });
    check(poisoned, 'proto');
    expect(poisoned.status).toBe(400);
  });

  it('leaves the data and the schema exactly as they were', async () => {
    expect(await counts()).toEqual(countsBefore);
  });
});
