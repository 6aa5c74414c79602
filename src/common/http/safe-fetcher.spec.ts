import type { LookupAddress } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTestCertificate } from '../../../test/utils/tls';
import { cacheLifetime, SafeFetcher, SafeFetchError, SafeFetchRefusal } from './safe-fetcher';

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

const DOCUMENT = { client_id: 'x', redirect_uris: ['https://app.example/cb'] };

const routes: Record<string, Handler> = {
  '/doc': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=600' });
    response.end(JSON.stringify(DOCUMENT));
  },
  '/jwks': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    response.end('{"keys":[]}');
  },
  '/redirect': (_request, response) => {
    response.writeHead(302, { location: '/doc' });
    response.end();
  },
  '/big-chunked': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write(`{"padding":"${'a'.repeat(4000)}`);
    response.end(`${'b'.repeat(4000)}"}`);
  },
  '/big-declared': (_request, response) => {
    const body = JSON.stringify({ padding: 'a'.repeat(6000) });
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  },
  '/slow': () => {
    // Never answers: the fetcher's deadline must end the exchange.
  },
  '/html': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<p>hi</p>');
  },
  '/broken': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"client_id":');
  },
  '/missing': (_request, response) => {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{}');
  },
};

const handle: Handler = (request, response) => {
  const route = routes[request.url ?? ''];
  if (route) route(request, response);
  else response.writeHead(404).end();
};

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function refusal(promise: Promise<unknown>): Promise<SafeFetchRefusal> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SafeFetchError) return error.reason;
    throw error;
  }
  throw new Error('the fetch was not refused');
}

describe(SafeFetcher.name, () => {
  const certificate = createTestCertificate(['doc.test']);
  const httpServer = http.createServer(handle);
  const httpsServer = https.createServer({ cert: certificate.cert, key: certificate.key }, handle);
  let httpBase: string;
  let httpsPort: number;
  const limits = { maxBytes: 5120, timeoutMs: 2000 };
  const loopback = new SafeFetcher({ allowHttpLoopback: true, ca: certificate.cert });
  const strict = new SafeFetcher({ ca: certificate.cert });

  beforeAll(async () => {
    httpBase = `http://127.0.0.1:${await listen(httpServer)}`;
    httpsPort = await listen(httpsServer);
  });

  afterAll(async () => {
    httpServer.closeAllConnections();
    httpsServer.closeAllConnections();
    await Promise.all([
      new Promise((resolve) => httpServer.close(resolve)),
      new Promise((resolve) => httpsServer.close(resolve)),
    ]);
  });

  it('fetches a JSON document and derives its cache lifetime from Cache-Control', async () => {
    await expect(loopback.fetchJson(`${httpBase}/doc`, limits)).resolves.toEqual({
      body: DOCUMENT,
      maxAgeSeconds: 600,
    });
    const short = await loopback.fetchJson(`${httpBase}/doc`, { ...limits, maxMaxAgeSeconds: 120 });
    expect(short.maxAgeSeconds).toBe(120);
  });

  it('accepts +json media types (a JWKS) and takes the minimum lifetime without caching headers', async () => {
    await expect(loopback.fetchJson(`${httpBase}/jwks`, { ...limits, minMaxAgeSeconds: 30 })).resolves.toEqual({
      body: { keys: [] },
      maxAgeSeconds: 30,
    });
  });

  it('fetches over https from loopback with the escape hatch', async () => {
    const result = await loopback.fetchJson(`https://127.0.0.1:${httpsPort}/doc`, limits);
    expect(result.body).toEqual(DOCUMENT);
  });

  it('refuses a redirect instead of following it', async () => {
    await expect(refusal(loopback.fetchJson(`${httpBase}/redirect`, limits))).resolves.toBe('redirect');
  });

  it('refuses a body over the size limit, declared or streamed', async () => {
    await expect(refusal(loopback.fetchJson(`${httpBase}/big-declared`, limits))).resolves.toBe('too_large');
    await expect(refusal(loopback.fetchJson(`${httpBase}/big-chunked`, limits))).resolves.toBe('too_large');
  });

  it('gives up on a server that does not answer in time', async () => {
    const started = Date.now();
    await expect(refusal(loopback.fetchJson(`${httpBase}/slow`, { ...limits, timeoutMs: 300 }))).resolves.toBe(
      'timeout',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses other media types, broken JSON and error statuses', async () => {
    await expect(refusal(loopback.fetchJson(`${httpBase}/html`, limits))).resolves.toBe('content_type');
    await expect(refusal(loopback.fetchJson(`${httpBase}/broken`, limits))).resolves.toBe('invalid_json');
    await expect(refusal(loopback.fetchJson(`${httpBase}/missing`, limits))).resolves.toBe('status');
  });

  it('refuses http, and http on a non-loopback host even with the escape hatch', async () => {
    await expect(refusal(strict.fetchJson(`${httpBase}/doc`, limits))).resolves.toBe('scheme');
    await expect(refusal(loopback.fetchJson('http://example.com/doc', limits))).resolves.toBe('scheme');
    await expect(refusal(strict.fetchJson('ftp://example.com/doc', limits))).resolves.toBe('scheme');
    await expect(refusal(strict.fetchJson('https://user:pw@example.com/doc', limits))).resolves.toBe('invalid_url');
    await expect(refusal(strict.fetchJson('not a url', limits))).resolves.toBe('invalid_url');
  });

  it('refuses loopback and private addresses, by literal or by name, without the escape hatch', async () => {
    await expect(refusal(strict.fetchJson(`https://127.0.0.1:${httpsPort}/doc`, limits))).resolves.toBe('address');
    await expect(refusal(strict.fetchJson(`https://[::1]:${httpsPort}/doc`, limits))).resolves.toBe('address');
    await expect(refusal(strict.fetchJson(`https://[::ffff:127.0.0.1]:${httpsPort}/doc`, limits))).resolves.toBe(
      'address',
    );
    await expect(refusal(strict.fetchJson(`https://localhost:${httpsPort}/doc`, limits))).resolves.toBe('address');
    await expect(refusal(strict.fetchJson('https://169.254.169.254/latest/meta-data', limits))).resolves.toBe(
      'address',
    );
  });

  it('refuses a name resolving to a private address even with the escape hatch', async () => {
    const resolvesTo = (address: string, family: number) =>
      new SafeFetcher({
        allowHttpLoopback: true,
        lookup: ((_host: string, _options: unknown, callback: (e: null, a: LookupAddress[]) => void) =>
          callback(null, [{ address, family }])) as never,
      });
    for (const [address, family] of [
      ['10.0.0.5', 4],
      ['192.168.1.20', 4],
      ['100.64.1.1', 4],
      ['169.254.169.254', 4],
      ['fd00::1', 6],
      ['fe80::1', 6],
      ['::ffff:10.0.0.5', 6],
    ] as const) {
      await expect(refusal(resolvesTo(address, family).fetchJson('https://internal.test/doc', limits))).resolves.toBe(
        'address',
      );
    }
  });

  it('resolves a name once and connects to the address it checked (no DNS rebinding)', async () => {
    const answers = ['127.0.0.1', '10.0.0.1'];
    let lookups = 0;
    const fetcher = new SafeFetcher({
      allowHttpLoopback: true,
      ca: certificate.cert,
      lookup: ((_host: string, _options: unknown, callback: (e: null, a: LookupAddress[]) => void) => {
        const address = answers[Math.min(lookups, answers.length - 1)];
        lookups += 1;
        callback(null, [{ address, family: 4 }]);
      }) as never,
    });
    // TLS is checked against the name (doc.test) while the socket goes to the checked address.
    const result = await fetcher.fetchJson(`https://doc.test:${httpsPort}/doc`, limits);
    expect(result.body).toEqual(DOCUMENT);
    expect(lookups).toBe(1);
  });

  it('refuses a name that does not resolve', async () => {
    const fetcher = new SafeFetcher({
      lookup: ((_host: string, _options: unknown, callback: (e: Error) => void) =>
        callback(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }))) as never,
    });
    await expect(refusal(fetcher.fetchJson('https://nowhere.test/doc', limits))).resolves.toBe('dns');
  });
});

describe('cacheLifetime', () => {
  const at = 'Tue, 01 Dec 2026 10:00:00 GMT';
  it.each([
    [{ 'cache-control': 'max-age=3600' }, 3600],
    [{ 'cache-control': 'public, max-age=10' }, 60],
    [{ 'cache-control': 'max-age=999999' }, 86400],
    [{ 'cache-control': 'no-store' }, 60],
    [{ 'cache-control': 'no-cache, max-age=3600' }, 60],
    [{ 'cache-control': 'max-age=3600', age: '600' }, 3000],
    [{ date: at, expires: 'Tue, 01 Dec 2026 12:00:00 GMT' }, 7200],
    [{ date: at, expires: 'Tue, 01 Dec 2026 09:00:00 GMT' }, 60],
    [{ date: at, expires: 'garbage' }, 60],
    [{}, 60],
  ])('%j → %i s', (headers, seconds) => {
    expect(cacheLifetime(headers, 60, 86400)).toBe(seconds);
  });
});
