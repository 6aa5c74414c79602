import request from 'supertest';
import { ResourceCatalog } from '../src/resources/resource-catalog';
import { ResourcesService } from '../src/resources/resources.service';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, pkcePair, TestClient } from './utils/fixtures';
import { decodeJwt } from './utils/jwt';
import { basicOf, clientTokenRequest, expectOAuthError, postForm, refresh } from './utils/oauth';
import { authorizePath, authorizeThrough, locationOf, responseParams, signIn, TestBrowser } from './utils/session';

const REPORTS = 'https://reports.example/api';
const LEDGER = 'https://ledger.example/';

/** RFC 8707 resource indicators end to end, SECURITY-CASES R2-07 … R2-10. */
describe('resources and audiences (RFC 8707)', () => {
  let t: TestApp;
  let api: string;
  let c1: TestClient;
  let c4: TestClient;
  let reportsOnly: TestClient;
  let rs: TestClient;

  beforeAll(async () => {
    t = await createTestApp();
    api = t.get(ResourceCatalog).defaultResource;
    rs = await createClient(t, { name: 'Reports backend', grantTypes: ['client_credentials'], scope: 'profile' });
    await t.get(ResourcesService).create({
      identifier: REPORTS,
      name: 'Reports',
      scopes: [
        { name: 'reports:read', description: 'Read your reports' },
        { name: 'notes:read', description: 'Read the notes behind your reports' },
      ],
      introspectors: [rs.clientId],
    });
    await t.get(ResourcesService).create({
      identifier: LEDGER,
      name: 'Ledger',
      scopes: [{ name: 'ledger:read', description: 'Read the ledger' }],
    });
    const scope = 'profile notes:read notes:write reports:read ledger:read';
    c1 = await createClient(t, { name: 'C1', scope });
    c4 = await createClient(t, { name: 'C4', scope });
    reportsOnly = await createClient(t, { name: 'Reports app', scope, resources: [REPORTS] });
    await createUser(t, { username: 'u1' });
  });

  afterAll(async () => {
    await t.close();
  });

  async function authorize(client: TestClient, extra: Record<string, string | string[]>) {
    const pkce = pkcePair();
    const res = await authorizeThrough(new TestBrowser(t), {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      state: 'st',
      ...extra,
    });
    return { params: responseParams(res), verifier: pkce.verifier };
  }

  async function tokensFor(client: TestClient, extra: Record<string, string | string[]>, redemption = {}) {
    const { params, verifier } = await authorize(client, extra);
    expect(params.get('error')).toBeNull();
    const res = await clientTokenRequest(t, client, {
      grant_type: 'authorization_code',
      code: params.get('code') as string,
      code_verifier: verifier,
      redirect_uri: client.redirectUri,
      ...redemption,
    });
    expect(res.status).toBe(200);
    return res.body as { access_token: string; refresh_token: string; scope: string };
  }

  describe('R2-07: unacceptable resources are invalid_target', () => {
    it.each([
      ['unknown', 'https://unknown.example/'],
      ['relative', '/api'],
      ['with a fragment', `${REPORTS}#frag`],
      ['not http', 'urn:example:thing'],
    ])('at /authorize, a %s resource is redirected with invalid_target and state', async (_name, resource) => {
      const { params } = await authorize(c1, { scope: 'profile', resource });
      expect(params.get('error')).toBe('invalid_target');
      expect(params.get('state')).toBe('st');
      expect(params.get('code')).toBeNull();
    });

    it('refuses a resource the client is restricted from, at /authorize and at /token', async () => {
      expect((await authorize(reportsOnly, { scope: 'reports:read', resource: LEDGER })).params.get('error')).toBe(
        'invalid_target',
      );
      // Omitted, the resource is the default one, which this client may not use either.
      expect((await authorize(reportsOnly, { scope: 'reports:read' })).params.get('error')).toBe('invalid_target');
      const res = await clientTokenRequest(t, reportsOnly, { grant_type: 'client_credentials', resource: LEDGER });
      expectOAuthError(res, 400, 'invalid_target');
    });

    it.each([['https://unknown.example/'], ['relative'], [`${REPORTS}#x`]])(
      'at /token (client credentials), %s is 400 invalid_target',
      async (resource) => {
        const res = await clientTokenRequest(t, c1, { grant_type: 'client_credentials', resource });
        expectOAuthError(res, 400, 'invalid_target');
      },
    );

    it('asks for scopes of the named resources only: another resource’s scope is invalid_scope', async () => {
      const res = await clientTokenRequest(t, c1, {
        grant_type: 'client_credentials',
        resource: REPORTS,
        scope: 'profile',
      });
      expectOAuthError(res, 400, 'invalid_scope');
      expect((await authorize(c1, { scope: 'ledger:read', resource: REPORTS })).params.get('error')).toBe(
        'invalid_scope',
      );
    });
  });

  it('binds the token to its resource: aud, scopes of that resource, and the default resource when omitted', async () => {
    const cc = await clientTokenRequest(t, c1, { grant_type: 'client_credentials', resource: REPORTS });
    expect(cc.status).toBe(200);
    expect(decodeJwt(cc.body.access_token as string).claims.aud).toBe(REPORTS);
    // Only the scopes of that resource that the client has (notes:read belongs to both).
    expect(cc.body.scope).toBe('notes:read reports:read');
    const plain = await clientTokenRequest(t, c1, { grant_type: 'client_credentials' });
    expect(decodeJwt(plain.body.access_token as string).claims.aud).toBe(api);
  });

  it('R2-08: a code for two resources narrows at the token request; a refresh may not widen', async () => {
    const tokens = await tokensFor(
      c1,
      { scope: 'reports:read ledger:read', resource: [REPORTS, LEDGER] },
      { resource: LEDGER },
    );
    expect(decodeJwt(tokens.access_token).claims.aud).toBe(LEDGER);
    expect(tokens.scope).toBe('ledger:read');
    // Without resource, a refresh gets every resource of the authorization; asking for another is refused.
    const both = await refresh(t, c1, tokens.refresh_token);
    expect(both.status).toBe(200);
    expect(decodeJwt(both.body.access_token as string).claims.aud).toEqual([REPORTS, LEDGER]);
    expect(both.body.scope).toBe('reports:read ledger:read');
    expectOAuthError(await refresh(t, c1, both.body.refresh_token as string, { resource: api }), 400, 'invalid_target');
    // The refused refresh left the refresh token usable (nothing was consumed).
    const again = await refresh(t, c1, both.body.refresh_token as string, { resource: REPORTS });
    expect(again.status).toBe(200);
    expect(decodeJwt(again.body.access_token as string).claims.aud).toBe(REPORTS);
  });

  it('R2-08: a code redemption asking for a resource outside the authorization is invalid_target', async () => {
    const { params, verifier } = await authorize(c1, { scope: 'reports:read', resource: REPORTS });
    const res = await clientTokenRequest(t, c1, {
      grant_type: 'authorization_code',
      code: params.get('code') as string,
      code_verifier: verifier,
      redirect_uri: c1.redirectUri,
      resource: LEDGER,
    });
    expectOAuthError(res, 400, 'invalid_target');
  });

  it('R2-09: the sample API refuses a token for another resource with 401 invalid_token', async () => {
    const tokens = await tokensFor(c1, { scope: 'notes:read reports:read', resource: REPORTS });
    const res = await request(t.server).get('/api/notes').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).toBe(401);
    const challenge = res.headers['www-authenticate'] as string;
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain('/.well-known/oauth-protected-resource/api"');
    // The same flow for the API itself works.
    const own = await tokensFor(c1, { scope: 'notes:read', resource: api });
    expect((await request(t.server).get('/api/notes').set('Authorization', `Bearer ${own.access_token}`)).status).toBe(
      200,
    );
  });

  it('R2-10: introspection tells only the token’s client and the introspectors of its resources', async () => {
    const tokens = await tokensFor(c1, { scope: 'reports:read', resource: REPORTS });
    const as = async (caller: TestClient) =>
      (await postForm(t, '/oauth/introspect', { token: tokens.access_token }, basicOf(caller))).body;
    expect(await as(c4)).toEqual({ active: false });
    expect(await as(c1)).toMatchObject({ active: true, aud: REPORTS, client_id: c1.clientId });
    expect(await as(rs)).toMatchObject({ active: true, aud: REPORTS, scope: 'reports:read' });
  });

  it('groups the consent page by resource, with each resource’s name and words', async () => {
    const browser = new TestBrowser(t);
    expect((await signIn(browser, 'u1')).status).toBe(303);
    const res = await browser.get(
      authorizePath({
        response_type: 'code',
        client_id: c1.clientId,
        redirect_uri: c1.redirectUri,
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
        scope: 'notes:read reports:read',
        resource: [api, REPORTS],
      }),
    );
    expect(locationOf(res).pathname).toBe('/consent');
    const page = await browser.get(locationOf(res).pathname + locationOf(res).search);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h2>Reports</h2>');
    expect(page.text).toContain(`<code>${REPORTS}</code>`);
    // notes:read is asked for both resources, each in its own words.
    expect(page.text).toContain('Read the notes behind your reports');
    expect(page.text).toContain('Read your notes');
  });

  it('lists the scopes of registered resources in the RFC 8414 metadata too', async () => {
    const res = await request(t.server).get('/.well-known/oauth-authorization-server');
    expect(res.body.scopes_supported).toEqual(expect.arrayContaining(['profile', 'reports:read', 'ledger:read']));
  });

  it('serves each built-in resource’s metadata at its path-suffixed URL (RFC 9728 §3.1)', async () => {
    const res = await request(t.server).get('/.well-known/oauth-protected-resource/api');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resource: api, scopes_supported: ['profile', 'notes:read', 'notes:write'] });
    expect((await request(t.server).get('/.well-known/oauth-protected-resource/nothing')).status).toBe(404);
  });
});
