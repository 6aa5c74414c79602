import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { auth, OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { ClientsService } from '../src/clients/clients.service';
import { SafeFetcher } from '../src/common/http/safe-fetcher';
import { createTestApp, TestApp } from './utils/app';
import { findFreePort } from './utils/browser';
import { createUser } from './utils/fixtures';
import { decide, locationOf, signIn, TestBrowser } from './utils/session';
import { createTestCertificate } from './utils/tls';

const CALLBACK = 'http://127.0.0.1:9/callback';

/** An MCP client that has never been configured for this server: it keeps what it learns. */
class UnconfiguredClient implements OAuthClientProvider {
  authorizationUrl?: URL;
  private verifier?: string;
  private saved?: OAuthTokens;
  private information?: OAuthClientInformationMixed;

  /** With a URL: it names itself by its Client ID Metadata Document instead of registering. */
  constructor(readonly clientMetadataUrl?: string) {}

  get redirectUrl(): string {
    return CALLBACK;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Unconfigured MCP client',
      redirect_uris: [CALLBACK],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.information;
  }

  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.information = information;
  }

  tokens(): OAuthTokens | undefined {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }
}

/** An MCP client reaching the /mcp tools with no operator involved: by RFC 7591 registration, or by its metadata document. */
describe('the MCP SDK client registers itself, then calls /mcp', () => {
  const certificate = createTestCertificate();
  let documentServer: https.Server;
  let documentUrl: string;
  let t: TestApp;
  let issuer: string;
  let mcpUrl: URL;

  beforeAll(async () => {
    // The client's metadata document, over https on 127.0.0.1 (the SDK accepts only https client ids).
    documentServer = https.createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
      if (req.url !== '/mcp-client.json') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600' });
      res.end(
        JSON.stringify({
          client_id: documentUrl,
          client_name: 'MCP client by its document',
          redirect_uris: [CALLBACK],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        }),
      );
    });
    await new Promise<void>((resolve) => documentServer.listen(0, '127.0.0.1', resolve));
    documentUrl = `https://127.0.0.1:${(documentServer.address() as AddressInfo).port}/mcp-client.json`;

    const port = await findFreePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await createTestApp({
      env: { ISSUER: issuer, REGISTRATION: 'open', CIMD_ALLOW_HTTP_LOOPBACK: 'true' },
      // The server trusts the test's own certificate authority for the document's https.
      override: (builder) =>
        builder
          .overrideProvider(SafeFetcher)
          .useValue(new SafeFetcher({ allowHttpLoopback: true, ca: certificate.cert })),
    });
    await t.app.listen(port, '127.0.0.1');
    mcpUrl = new URL(`${issuer}/mcp`);
    await createUser(t, { username: 'u1' });
  });

  afterAll(async () => {
    await t?.close();
    documentServer.closeAllConnections();
    await new Promise((resolve) => documentServer.close(resolve));
  });

  /** The user's part: sign in, read who is asking on the consent page, allow. */
  async function userAllows(authorizationUrl: URL, expectedName: string): Promise<string> {
    const browser = new TestBrowser(t);
    const login = locationOf(await browser.get(authorizationUrl.pathname + authorizationUrl.search));
    const consent = locationOf(await signIn(browser, 'u1', undefined, login.pathname + login.search));
    expect(consent.pathname).toBe('/consent');
    const page = await browser.get(consent.pathname + consent.search);
    expect(page.text).toContain(expectedName);
    expect(page.text).toContain('not registered by an operator');
    const callback = locationOf(await decide(browser, consent.pathname + consent.search, 'allow'));
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    return callback.searchParams.get('code') as string;
  }

  async function callTools(provider: UnconfiguredClient): Promise<void> {
    const mcp = new Client({ name: 'tollgate-test', version: '1.0.0' });
    await mcp.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    try {
      const { tools } = await mcp.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(['create_note', 'list_notes', 'whoami']);
      const whoami = await mcp.callTool({ name: 'whoami', arguments: {} });
      expect(JSON.stringify(whoami.content)).toContain('u1');
    } finally {
      await mcp.close();
    }
  }

  it('registers by RFC 7591 (REGISTRATION=open), signs the user in and calls the tools', async () => {
    const provider = new UnconfiguredClient();
    expect(await auth(provider, { serverUrl: mcpUrl })).toBe('REDIRECT');
    const information = provider.clientInformation() as { client_id: string };
    expect(information.client_id).toEqual(expect.any(String));
    const stored = await t.get(ClientsService).getById(information.client_id);
    expect(stored.registrationType).toBe('dynamic');

    const code = await userAllows(provider.authorizationUrl as URL, 'Unconfigured MCP client');
    expect(await auth(provider, { serverUrl: mcpUrl, authorizationCode: code })).toBe('AUTHORIZED');
    await callTools(provider);
  });

  it('names itself by its Client ID Metadata Document, signs the user in and calls the tools', async () => {
    const provider = new UnconfiguredClient(documentUrl);
    expect(await auth(provider, { serverUrl: mcpUrl })).toBe('REDIRECT');
    const authorizationUrl = provider.authorizationUrl as URL;
    // No registration happened: the client id is the document's URL.
    expect(authorizationUrl.searchParams.get('client_id')).toBe(documentUrl);

    const code = await userAllows(authorizationUrl, 'MCP client by its document');
    expect(await auth(provider, { serverUrl: mcpUrl, authorizationCode: code })).toBe('AUTHORIZED');
    await callTools(provider);
    expect((await t.get(ClientsService).getById(documentUrl)).registrationType).toBe('metadata_document');
  });
});
