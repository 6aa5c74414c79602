import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import request, { Response } from 'supertest';
import { ClientsService, toClientView } from '../src/clients/clients.service';
import { MetadataDocumentClients } from '../src/clients/metadata-documents/metadata-document-clients.service';
import { createTestApp, TestApp } from './utils/app';
import { createUser, pkcePair } from './utils/fixtures';
import { decodeJwt } from './utils/jwt';
import { expectOAuthError, tokenRequest } from './utils/oauth';
import { authorizePath, decide, locationOf, signIn, TestBrowser } from './utils/session';

const REDIRECT_URI = 'https://app.example/callback';

/** Documents served by the test on 127.0.0.1, with a count of the requests each path received. */
class DocumentServer {
  readonly hits = new Map<string, number>();
  private readonly documents = new Map<string, { status: number; headers: Record<string, string>; body: string }>();
  private readonly server = http.createServer((req, res) => {
    const path = req.url ?? '';
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    const document = this.documents.get(path);
    if (!document) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(document.status, document.headers).end(document.body);
  });
  origin = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  /** Serves `document` (JSON) at `path`; `client_id` defaults to the document's own URL. */
  serve(path: string, document: Record<string, unknown>, headers: Record<string, string> = {}): string {
    this.documents.set(path, {
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'max-age=300', ...headers },
      body: JSON.stringify({ client_id: this.url(path), ...document }),
    });
    return this.url(path);
  }

  serveRaw(path: string, status: number, headers: Record<string, string>, body = ''): string {
    this.documents.set(path, { status, headers, body });
    return this.url(path);
  }
}

const GOOD = {
  client_name: 'Editor plugin',
  client_uri: 'https://app.example',
  logo_uri: 'https://app.example/logo.png',
  redirect_uris: [REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
};

/** An error page of /oauth/authorize: never a redirect to the client (RFC 6749 §4.1.2.1, CIMD draft §6). */
function expectErrorPage(res: Response, words: RegExp): void {
  expect(res.status).toBe(400);
  expect(res.headers.location).toBeUndefined();
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.text).toMatch(words);
}

function authorizeWith(clientId: string, extra: Record<string, string> = {}) {
  const { challenge } = pkcePair();
  return authorizePath({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'profile',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'st',
    ...extra,
  });
}

describe('Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document)', () => {
  const documents = new DocumentServer();
  let t: TestApp;
  let strict: TestApp;
  let disabled: TestApp;

  beforeAll(async () => {
    await documents.start();
    // One after the other: each app reads its settings from the process environment while it compiles.
    t = await createTestApp({ env: { CIMD_ALLOW_HTTP_LOOPBACK: 'true' } });
    strict = await createTestApp();
    disabled = await createTestApp({
      env: { CLIENT_ID_METADATA_DOCUMENTS: 'false', CIMD_ALLOW_HTTP_LOOPBACK: 'true' },
    });
  });

  afterAll(async () => {
    await Promise.all([t?.close(), strict?.close(), disabled?.close()]);
    await documents.stop();
  });

  it('is announced in the metadata unless turned off', async () => {
    const on = await request(t.server).get('/.well-known/oauth-authorization-server');
    expect(on.body.client_id_metadata_document_supported).toBe(true);
    const off = await request(disabled.server).get('/.well-known/oauth-authorization-server');
    expect(off.body.client_id_metadata_document_supported).toBeUndefined();
  });

  it('runs the code flow for a client known only by its document, and the token endpoint accepts it (none + PKCE)', async () => {
    const clientId = documents.serve('/clients/editor.json', GOOD);
    const user = await createUser(t);
    const browser = new TestBrowser(t);
    await signIn(browser, user.username);
    const { verifier, challenge } = pkcePair();
    const asked = await browser.get(
      authorizePath({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        scope: 'profile notes:read',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 'st',
      }),
    );
    const consent = locationOf(asked);
    expect(consent.pathname).toBe('/consent');
    const page = await browser.get(consent.pathname + consent.search);
    expect(page.text).toContain('Editor plugin');
    expect(page.text).toContain('not registered by an operator');
    // Where the document lives and where the user is sent back to.
    expect(page.text).toContain('127.0.0.1');
    expect(page.text).toContain('app.example');

    const callback = locationOf(await decide(browser, consent.pathname + consent.search, 'allow'));
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    const code = callback.searchParams.get('code') as string;
    const res = await tokenRequest(t, {
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
    });
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).claims.client_id).toBe(clientId);
    const refreshed = await tokenRequest(t, {
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: res.body.refresh_token,
    });
    expect(refreshed.status).toBe(200);

    // The operator sees where the client came from.
    const view = toClientView(await t.get(ClientsService).getById(clientId));
    expect(view).toMatchObject({ client_id: clientId, registration: 'metadata_document', name: 'Editor plugin' });

    // A metadata-document client has no secret: a secret-based attempt is invalid_client.
    expectOAuthError(
      await tokenRequest(t, {
        grant_type: 'refresh_token',
        client_id: clientId,
        client_secret: 'x',
        refresh_token: refreshed.body.refresh_token,
      }),
      401,
      'invalid_client',
    );
  });

  it('caches a document by its caching headers, clamped to 1 minute – 24 hours', async () => {
    const resolver = t.get(MetadataDocumentClients);
    const short = documents.serve('/clients/short.json', GOOD, { 'cache-control': 'max-age=5' });
    const long = documents.serve('/clients/long.json', GOOD, { 'cache-control': 'max-age=31536000' });
    const now = Date.now();
    await resolver.resolve(short, now);
    await resolver.resolve(short, now + 59_000);
    expect(documents.hits.get('/clients/short.json')).toBe(1);
    await resolver.resolve(short, now + 61_000);
    expect(documents.hits.get('/clients/short.json')).toBe(2);

    await resolver.resolve(long, now);
    await resolver.resolve(long, now + 86_000_000);
    expect(documents.hits.get('/clients/long.json')).toBe(1);
    await resolver.resolve(long, now + 86_401_000);
    expect(documents.hits.get('/clients/long.json')).toBe(2);

    // A client row deleted meanwhile (the cleanup job, clients:delete) is fetched and stored again, never served from memory.
    await t.get(ClientsService).delete(long);
    const again = await resolver.resolve(long, now + 86_402_000);
    expect(again.clientId).toBe(long);
    expect(documents.hits.get('/clients/long.json')).toBe(3);
    expect(await t.get(ClientsService).findById(long)).not.toBeNull();
  });

  it('a changed document takes effect when the cached one expires: redirect URIs come from the document', async () => {
    const resolver = t.get(MetadataDocumentClients);
    const clientId = documents.serve('/clients/moving.json', GOOD, { 'cache-control': 'max-age=60' });
    const now = Date.now();
    expect((await resolver.resolve(clientId, now)).redirectUris).toEqual([REDIRECT_URI]);
    documents.serve('/clients/moving.json', { ...GOOD, redirect_uris: ['https://new.example/cb'] });
    expect((await resolver.resolve(clientId, now + 1000)).redirectUris).toEqual([REDIRECT_URI]);
    expect((await resolver.resolve(clientId, now + 61_000)).redirectUris).toEqual(['https://new.example/cb']);
  });

  describe('R2-14: refusals are error pages, never redirects to the client', () => {
    it('a document naming another client_id', async () => {
      const clientId = documents.serve('/clients/impostor.json', {
        ...GOOD,
        client_id: documents.url('/clients/editor.json'),
      });
      expectErrorPage(await request(t.server).get(authorizeWith(clientId)), /does not name this client_id/);
    });

    it('a redirect_uri the document does not list', async () => {
      const clientId = documents.serve('/clients/listed.json', GOOD);
      expectErrorPage(
        await request(t.server).get(authorizeWith(clientId, { redirect_uri: 'https://evil.example/cb' })),
        /redirect_uri is not registered/,
      );
    });

    it('a document over 5 KB', async () => {
      const clientId = documents.serve('/clients/big.json', { ...GOOD, padding: 'x'.repeat(6000) });
      expectErrorPage(await request(t.server).get(authorizeWith(clientId)), /larger than 5120 bytes/);
    });

    it('a document URL that redirects (not followed)', async () => {
      const target = documents.serve('/clients/target.json', GOOD);
      const clientId = documents.serveRaw('/clients/moved.json', 302, { location: target });
      expectErrorPage(await request(t.server).get(authorizeWith(clientId)), /redirect/);
      expect(documents.hits.get('/clients/target.json')).toBeUndefined();
    });

    it('a document URL on a private or loopback address, without the escape hatch', async () => {
      const clientId = documents.serve('/clients/internal.json', GOOD);
      const before = documents.hits.get('/clients/internal.json') ?? 0;
      // CIMD_ALLOW_HTTP_LOOPBACK is off: http is refused, and https to loopback or private addresses too.
      expectErrorPage(await request(strict.server).get(authorizeWith(clientId)), /must use https/);
      const httpsLoopback = clientId.replace('http://', 'https://');
      expectErrorPage(
        await request(strict.server).get(authorizeWith(httpsLoopback)),
        /address the server does not fetch from/,
      );
      for (const internal of [
        'https://10.0.0.1/client.json',
        'https://169.254.169.254/latest/meta-data',
        'https://[::1]/c.json',
        'https://localhost/c.json',
      ]) {
        expectErrorPage(
          await request(strict.server).get(authorizeWith(internal)),
          /address the server does not fetch from/,
        );
      }
      expect(documents.hits.get('/clients/internal.json') ?? 0).toBe(before);
    });

    it('a document without redirect_uris, with a secret, with another auth method, or not JSON', async () => {
      const { redirect_uris: _uris, ...withoutRedirects } = GOOD;
      for (const [path, document] of [
        ['/clients/no-redirects.json', withoutRedirects],
        ['/clients/secret.json', { ...GOOD, client_secret: 'shh' }],
        ['/clients/basic.json', { ...GOOD, token_endpoint_auth_method: 'client_secret_basic' }],
        ['/clients/http-redirect.json', { ...GOOD, redirect_uris: ['http://app.example/cb'] }],
      ] as const) {
        expectErrorPage(
          await request(t.server).get(authorizeWith(documents.serve(path, document))),
          /metadata document/,
        );
      }
      const html = documents.serveRaw('/clients/page.html', 200, { 'content-type': 'text/html' }, '<p>hi</p>');
      expectErrorPage(await request(t.server).get(authorizeWith(html)), /application\/json/);
    });

    it('a client_id URL without a path, or with a fragment', async () => {
      expectErrorPage(await request(t.server).get(authorizeWith(documents.origin)), /must have a path/);
      expectErrorPage(
        await request(t.server).get(authorizeWith(`${documents.url('/clients/editor.json')}#x`)),
        /fragment/,
      );
    });

    it('any document when CLIENT_ID_METADATA_DOCUMENTS=false', async () => {
      const clientId = documents.serve('/clients/off.json', GOOD);
      expectErrorPage(await request(disabled.server).get(authorizeWith(clientId)), /not accepted/);
      expect(documents.hits.get('/clients/off.json')).toBeUndefined();
    });

    it('at the token endpoint, a refused document is invalid_client', async () => {
      const clientId = documents.serve('/clients/token-impostor.json', {
        ...GOOD,
        client_id: 'https://someone.else/doc.json',
      });
      expectOAuthError(
        await tokenRequest(t, {
          grant_type: 'authorization_code',
          client_id: clientId,
          code: 'x',
          code_verifier: 'y'.repeat(43),
          redirect_uri: REDIRECT_URI,
        }),
        401,
        'invalid_client',
      );
    });
  });
});
