import { auth, OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import request from 'supertest';
import { createTestApp, TestApp } from './utils/app';
import { findFreePort } from './utils/browser';
import { createClient, createUser, mintAccessToken, TestClient } from './utils/fixtures';
import { decodeJwt } from './utils/jwt';
import { decide, locationOf, signIn, TestBrowser } from './utils/session';

const CALLBACK = 'http://127.0.0.1:9/callback';

/** What a desktop MCP client keeps: a pre-registered public client, its PKCE verifier and tokens. */
class PreRegisteredClient implements OAuthClientProvider {
  authorizationUrl?: URL;
  private verifier?: string;
  private saved?: OAuthTokens;

  constructor(private readonly clientId: string) {}

  get redirectUrl(): string {
    return CALLBACK;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'MCP test client',
      redirect_uris: [CALLBACK],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation(): OAuthClientInformationMixed {
    return { client_id: this.clientId };
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

/** The sample MCP server, reached by @modelcontextprotocol/sdk's own client from its URL alone. */
describe('POST /mcp with the MCP SDK client (MCP authorization, RFC 8707, RFC 9728)', () => {
  let t: TestApp;
  let issuer: string;
  let mcpUrl: URL;
  let client: TestClient;
  let userId: string;

  beforeAll(async () => {
    const port = await findFreePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await createTestApp({ env: { ISSUER: issuer } });
    await t.app.listen(port, '127.0.0.1');
    mcpUrl = new URL(`${issuer}/mcp`);
    client = await createClient(t, {
      name: 'MCP desktop app',
      isPublic: true,
      redirectUris: [CALLBACK],
      scope: 'profile notes:read notes:write',
    });
    userId = (await createUser(t, { username: 'u1' })).id;
  });

  afterAll(async () => {
    await t.close();
  });

  /** The user's part, in a browser: sign in, see the MCP server named on the consent page, allow. */
  async function userAllows(authorizationUrl: URL): Promise<string> {
    const browser = new TestBrowser(t);
    const login = locationOf(await browser.get(authorizationUrl.pathname + authorizationUrl.search));
    const consent = locationOf(await signIn(browser, 'u1', undefined, login.pathname + login.search));
    expect(consent.pathname).toBe('/consent');
    const page = await browser.get(consent.pathname + consent.search);
    expect(page.text).toContain('Tollgate sample MCP server');
    const callback = locationOf(await decide(browser, consent.pathname + consent.search, 'allow'));
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    return callback.searchParams.get('code') as string;
  }

  it('discovers, signs in, consents, gets a token for $ISSUER/mcp and calls every tool', async () => {
    const provider = new PreRegisteredClient(client.clientId);
    // RFC 9728 discovery from the 401, RFC 8414 metadata, PKCE, `resource`: all the SDK's own doing.
    expect(await auth(provider, { serverUrl: mcpUrl })).toBe('REDIRECT');
    const authorizationUrl = provider.authorizationUrl as URL;
    expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(`${issuer}/oauth/authorize`);
    expect(authorizationUrl.searchParams.get('resource')).toBe(mcpUrl.href);

    expect(await auth(provider, { serverUrl: mcpUrl, authorizationCode: await userAllows(authorizationUrl) })).toBe(
      'AUTHORIZED',
    );
    const accessToken = provider.tokens()?.access_token as string;
    expect(decodeJwt(accessToken).claims.aud).toBe(mcpUrl.href);

    const mcp = new Client({ name: 'tollgate-test', version: '1.0.0' });
    await mcp.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    try {
      const { tools } = await mcp.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(['create_note', 'list_notes', 'whoami']);
      const whoami = await mcp.callTool({ name: 'whoami', arguments: {} });
      expect(JSON.stringify(whoami.content)).toContain('u1');
      await mcp.callTool({ name: 'create_note', arguments: { title: 'From an MCP client' } });
      const listed = await mcp.callTool({ name: 'list_notes', arguments: {} });
      expect(JSON.stringify(listed.content)).toContain('From an MCP client');
    } finally {
      await mcp.close();
    }
    // The sample API is another resource: the MCP token is refused there.
    const api = await request(t.server).get('/api/me').set('Authorization', `Bearer ${accessToken}`);
    expect(api.status).toBe(401);
  });

  it('answers 401 with the MCP resource’s metadata URL, and refuses a token for the sample API', async () => {
    const bare = await request(t.server).post('/mcp').send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(bare.status).toBe(401);
    expect(bare.headers['www-authenticate']).toBe(
      `Bearer realm="tollgate", resource_metadata="${issuer}/.well-known/oauth-protected-resource/mcp"`,
    );
    const metadata = await request(t.server).get('/.well-known/oauth-protected-resource/mcp');
    expect(metadata.body).toMatchObject({ resource: mcpUrl.href, authorization_servers: [issuer] });

    // R2-09 / MCP "token passthrough": a token for the sample API is not accepted here.
    const apiToken = await mintAccessToken(t, { clientId: client.clientId, userId, scope: 'profile notes:read' });
    const refused = await request(t.server)
      .post('/mcp')
      .set('Authorization', `Bearer ${apiToken.accessToken}`)
      .set('Accept', 'application/json, text/event-stream')
      .send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('lets the SDK client step up: a 403 insufficient_scope makes it ask the user for the larger scope', async () => {
    const provider = new PreRegisteredClient(client.clientId);
    const readOnly = await mintAccessToken(t, {
      clientId: client.clientId,
      userId,
      scope: 'notes:read',
      audience: [mcpUrl.href],
    });
    provider.saveTokens({ access_token: readOnly.accessToken, token_type: 'Bearer' });
    const mcp = new Client({ name: 'tollgate-test', version: '1.0.0' });
    await mcp.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    try {
      await mcp.callTool({ name: 'list_notes', arguments: {} });
      // The SDK reads the challenge's scope and starts an authorization for it.
      await expect(mcp.callTool({ name: 'create_note', arguments: { title: 'x' } })).rejects.toThrow(UnauthorizedError);
    } finally {
      await mcp.close();
    }
    const authorizationUrl = provider.authorizationUrl as URL;
    expect(authorizationUrl.searchParams.get('scope')).toBe('notes:read notes:write');
    expect(await auth(provider, { serverUrl: mcpUrl, authorizationCode: await userAllows(authorizationUrl) })).toBe(
      'AUTHORIZED',
    );
    const stepped = new Client({ name: 'tollgate-test', version: '1.0.0' });
    await stepped.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    try {
      const created = await stepped.callTool({ name: 'create_note', arguments: { title: 'After step-up' } });
      expect(created.isError).not.toBe(true);
      expect(JSON.stringify(created.content)).toContain('After step-up');
    } finally {
      await stepped.close();
    }
  });

  it('answers a tool call without its scope with 403 insufficient_scope naming the scope (step-up)', async () => {
    const readOnly = await mintAccessToken(t, {
      clientId: client.clientId,
      userId,
      scope: 'notes:read',
      audience: [mcpUrl.href],
    });
    const res = await request(t.server)
      .post('/mcp')
      .set('Authorization', `Bearer ${readOnly.accessToken}`)
      .set('Accept', 'application/json, text/event-stream')
      .send({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'create_note', arguments: { title: 'x' } },
      });
    expect(res.status).toBe(403);
    const challenge = res.headers['www-authenticate'] as string;
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="notes:read notes:write"');
    expect(challenge).toContain('/.well-known/oauth-protected-resource/mcp"');
  });
});
