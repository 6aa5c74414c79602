/**
 * The admin REST API (/admin): the CLI's operations over HTTP for a client holding a
 * client-credentials token for $ISSUER/admin with scope `admin`; refused otherwise (SECURITY-CASES R2-21).
 */
import type { ConfigType } from '@nestjs/config';
import request, { Response } from 'supertest';
import { ClientsService } from '../src/clients/clients.service';
import { oauthConfig } from '../src/config/oauth.config';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, mintAccessToken, pkcePair } from './utils/fixtures';
import { decodeJwt } from './utils/jwt';
import { basic, expectJson, expectTokenResponse, postForm, tokenRequest } from './utils/oauth';
import { authorizePath, responseParams, TestBrowser } from './utils/session';

describe('admin API', () => {
  let t: TestApp;
  let oauth: ConfigType<typeof oauthConfig>;
  let admin: { clientId: string; clientSecret: string };
  let adminToken: string;

  /** An admin client as an operator registers it: `clients:create --scope admin --grant-types client_credentials`. */
  async function createAdminClient(): Promise<{ clientId: string; clientSecret: string }> {
    const created = await t.get(ClientsService).createForOperator({
      name: 'Onboarding bot',
      grantTypes: ['client_credentials'],
      scope: 'admin',
    });
    return { clientId: created.client_id, clientSecret: created.client_secret as string };
  }

  async function adminTokenOf(client: { clientId: string; clientSecret: string }): Promise<string> {
    const res = await tokenRequest(
      t,
      { grant_type: 'client_credentials', resource: oauth.adminResource, scope: 'admin' },
      basic(client.clientId, client.clientSecret),
    );
    expectTokenResponse(res, { scope: 'admin', hasRefreshToken: false });
    return res.body.access_token as string;
  }

  const call = (method: 'get' | 'post' | 'patch' | 'delete', path: string, token = adminToken) =>
    request(t.server)[method](path).set('Authorization', `Bearer ${token}`);

  function expectBearerError(res: Response, status: number, error: string): void {
    expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
    expectJson(res);
    expect(res.headers['www-authenticate']).toContain(`error="${error}"`);
    expect(res.headers['www-authenticate']).toContain(
      `resource_metadata="${oauth.baseUrl}/.well-known/oauth-protected-resource/admin"`,
    );
  }

  beforeAll(async () => {
    t = await createTestApp();
    oauth = t.get(oauthConfig.KEY);
    admin = await createAdminClient();
    adminToken = await adminTokenOf(admin);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('who may call it (R2-21)', () => {
    it('issues the admin token for $ISSUER/admin only, as an RFC 9068 client-credentials token', () => {
      const { claims } = decodeJwt(adminToken);
      expect(claims).toMatchObject({ aud: oauth.adminResource, sub: admin.clientId, scope: 'admin' });
    });

    it('answers 401 with a bare Bearer challenge to a request without a token', async () => {
      const res = await request(t.server).get('/admin/clients');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="tollgate", resource_metadata=/);
    });

    it('refuses a user token with 403 insufficient_scope, even one that carries admin for $ISSUER/admin', async () => {
      const user = await createUser(t);
      const { accessToken } = await mintAccessToken(t, {
        clientId: admin.clientId,
        userId: user.id,
        scope: 'admin',
        audience: [oauth.adminResource],
      });
      expectBearerError(await call('get', '/admin/clients', accessToken), 403, 'insufficient_scope');
    });

    it('refuses a client token without admin with 403 insufficient_scope and scope="admin"', async () => {
      const { accessToken } = await mintAccessToken(t, {
        clientId: admin.clientId,
        userId: null,
        scope: 'profile',
        audience: [oauth.adminResource],
      });
      const res = await call('get', '/admin/clients', accessToken);
      expectBearerError(res, 403, 'insufficient_scope');
      expect(res.headers['www-authenticate']).toContain('scope="admin"');
    });

    it('refuses an admin-scoped token of another audience with 401 invalid_token', async () => {
      const { accessToken } = await mintAccessToken(t, {
        clientId: admin.clientId,
        userId: null,
        scope: 'admin',
        audience: [oauth.resourceAudience],
      });
      expectBearerError(await call('get', '/admin/clients', accessToken), 401, 'invalid_token');
    });

    it('never issues an admin token through a user-facing flow: /authorize answers invalid_target', async () => {
      const both = await t.get(ClientsService).createForOperator({
        name: 'Both',
        redirectUris: ['https://both.example/cb'],
        grantTypes: ['authorization_code', 'client_credentials'],
        scope: 'admin profile',
      });
      const res = await new TestBrowser(t).get(
        authorizePath({
          response_type: 'code',
          client_id: both.client_id,
          redirect_uri: 'https://both.example/cb',
          scope: 'admin',
          resource: oauth.adminResource,
          state: 's1',
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        }),
      );
      const params = responseParams(res);
      expect(params.get('error')).toBe('invalid_target');
      expect(params.get('state')).toBe('s1');
    });

    it('refuses the admin resource at the device authorization endpoint with invalid_target', async () => {
      const device = await createClient(t, {
        grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'client_credentials'],
        redirectUris: [],
      });
      const res = await postForm(
        t,
        '/oauth/device_authorization',
        { resource: oauth.adminResource },
        basic(device.clientId, device.clientSecret as string),
      );
      expect({ status: res.status, error: res.body.error }).toEqual({ status: 400, error: 'invalid_target' });
    });

    it('does not give admin to a client registered without an operator, nor by default, nor in metadata', async () => {
      await expect(
        t.get(ClientsService).create({ name: 'Self-registered', grantTypes: ['client_credentials'], scope: 'admin' }),
      ).rejects.toMatchObject({ code: 'invalid_client_metadata' });
      const plain = await t
        .get(ClientsService)
        .createForOperator({ name: 'Plain', grantTypes: ['client_credentials'] });
      expect(plain.scope.split(' ')).not.toContain('admin');
      // Nor by a change that is not an operator's (e.g. a client updating its own registration).
      await expect(t.get(ClientsService).update(plain.client_id, { scope: 'profile admin' })).rejects.toMatchObject({
        code: 'invalid_client_metadata',
      });
      const byOperator = await call('patch', `/admin/clients/${plain.client_id}`).send({ scope: 'profile admin' });
      expect(byOperator.body.scope).toBe('profile admin');
      const metadata = await request(t.server).get('/.well-known/oauth-authorization-server');
      expect(metadata.body.scopes_supported).not.toContain('admin');
    });

    it('gives a client without admin no admin token: the scope is invalid_scope', async () => {
      const plain = await createClient(t);
      const res = await tokenRequest(
        t,
        { grant_type: 'client_credentials', resource: oauth.adminResource, scope: 'admin' },
        basic(plain.clientId, plain.clientSecret as string),
      );
      expect({ status: res.status, error: res.body.error }).toEqual({ status: 400, error: 'invalid_scope' });
    });
  });

  describe('clients', () => {
    it('creates a client over HTTP that then gets tokens at the token endpoint', async () => {
      const res = await call('post', '/admin/clients').send({
        name: 'Billing service',
        grant_types: ['client_credentials'],
        scope: 'profile',
      });
      expect(res.status).toBe(201);
      expectJson(res);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        client_id: expect.stringMatching(/^[A-Za-z0-9][A-Za-z0-9\-._~]*$/),
        client_secret: expect.stringMatching(/^[\w-]{43}$/),
        name: 'Billing service',
        redirect_uris: [],
        grant_types: ['client_credentials'],
        scope: 'profile',
        token_endpoint_auth_method: 'client_secret_basic',
        is_public: false,
        pkce_exempt: false,
        resources: null,
        registration: 'operator',
        created_at: expect.any(String),
      });
      const token = await tokenRequest(
        t,
        { grant_type: 'client_credentials' },
        basic(res.body.client_id, res.body.client_secret),
      );
      expectTokenResponse(token, { scope: 'profile', hasRefreshToken: false });
    });

    it('answers a bad client like the CLI: 400 with the RFC 7591 error, and refuses unknown fields', async () => {
      const badGrant = await call('post', '/admin/clients').send({ name: 'x', grant_types: ['magic'] });
      expect({ status: badGrant.status, error: badGrant.body.error }).toEqual({
        status: 400,
        error: 'invalid_client_metadata',
      });
      const unknown = await call('post', '/admin/clients').send({ name: 'x', client_secret: 'mine' });
      expect({ status: unknown.status, error: unknown.body.error }).toEqual({ status: 400, error: 'invalid_request' });
      expect(unknown.body.error_description).toMatch(/client_secret/);
      const noName = await call('post', '/admin/clients').send({});
      expect({ status: noName.status, error: noName.body.error }).toEqual({ status: 400, error: 'invalid_request' });
    });

    it('shows, changes, rotates and deletes a client; an unknown id is 404', async () => {
      const created = (
        await call('post', '/admin/clients').send({
          name: 'Reports',
          redirect_uris: ['https://reports.example/cb'],
          scope: 'profile notes:read',
        })
      ).body;
      const id = created.client_id as string;

      const shown = await call('get', `/admin/clients/${id}`);
      expect(shown.status).toBe(200);
      expect(shown.body).toEqual({ ...created, client_secret: undefined });
      expect(shown.body).not.toHaveProperty('client_secret');

      const patched = await call('patch', `/admin/clients/${id}`).send({ name: 'Reports v2', scope: 'profile' });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ client_id: id, name: 'Reports v2', scope: 'profile' });
      expect((await call('get', `/admin/clients/${id}`)).body).toMatchObject({ name: 'Reports v2', scope: 'profile' });
      const badPatch = await call('patch', `/admin/clients/${id}`).send({ redirect_uris: ['http://evil.example/cb'] });
      expect({ status: badPatch.status, error: badPatch.body.error }).toEqual({
        status: 400,
        error: 'invalid_redirect_uri',
      });

      const rotated = await call('post', `/admin/clients/${id}/rotate-secret`);
      expect(rotated.status).toBe(200);
      expect(rotated.body).toEqual({ client_id: id, client_secret: expect.stringMatching(/^[\w-]{43}$/) });
      const introspect = (secret: string) => postForm(t, '/oauth/introspect', { token: 'x' }, basic(id, secret));
      expect((await introspect(created.client_secret)).status).toBe(401);
      expect((await introspect(rotated.body.client_secret)).status).toBe(200);

      const deleted = await call('delete', `/admin/clients/${id}`);
      expect(deleted.status).toBe(204);
      expect((await introspect(rotated.body.client_secret)).status).toBe(401);
      for (const res of [
        await call('get', `/admin/clients/${id}`),
        await call('patch', `/admin/clients/${id}`).send({ name: 'x' }),
        await call('post', `/admin/clients/${id}/rotate-secret`),
        await call('delete', `/admin/clients/${id}`),
      ]) {
        expect({ status: res.status, error: res.body.error }).toEqual({ status: 404, error: 'not_found' });
      }
    });

    it('lists clients in pages: limit, next_cursor, and null after the last', async () => {
      const all: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: Response = await call(
          'get',
          `/admin/clients?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        all.push(...res.body.items.map((item: { client_id: string }) => item.client_id));
        cursor = res.body.next_cursor;
        pages += 1;
      } while (cursor !== null && pages < 50);
      const everything = await call('get', '/admin/clients?limit=200');
      expect(all).toEqual(everything.body.items.map((item: { client_id: string }) => item.client_id));
      expect(new Set(all).size).toBe(all.length);
      expect(pages).toBeGreaterThan(1);
      expect(all).toContain(admin.clientId);

      for (const query of ['limit=0', 'limit=201', 'limit=abc', 'cursor=not-a-cursor!', 'cursor=bm9wZQ']) {
        const res = await call('get', `/admin/clients?${query}`);
        expect({ query, status: res.status, error: res.body.error }).toEqual({
          query,
          status: 400,
          error: 'invalid_request',
        });
      }
    });
  });

  describe('users', () => {
    it('creates, lists and deletes users; the password never comes back', async () => {
      const created = await call('post', '/admin/users').send({ username: 'carol', password: 'a long passphrase' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(String), username: 'carol', created_at: expect.any(String) });
      expect(JSON.stringify(created.body)).not.toContain('passphrase');

      const duplicate = await call('post', '/admin/users').send({ username: 'carol', password: 'a long passphrase' });
      expect({ status: duplicate.status, error: duplicate.body.error }).toEqual({
        status: 400,
        error: 'invalid_request',
      });
      const short = await call('post', '/admin/users').send({ username: 'dave', password: 'short' });
      expect(short.status).toBe(400);

      await createUser(t, { username: 'erin' });
      const first = await call('get', '/admin/users?limit=1');
      expect(first.body.items).toHaveLength(1);
      expect(first.body.next_cursor).toEqual(expect.any(String));
      const listed = await call('get', '/admin/users?limit=200');
      expect(listed.body.items.map((user: { username: string }) => user.username)).toEqual(
        expect.arrayContaining(['carol', 'erin']),
      );
      expect(JSON.stringify(listed.body)).not.toMatch(/argon2|password/);

      expect((await call('delete', `/admin/users/${created.body.id}`)).status).toBe(204);
      const again = await call('delete', `/admin/users/${created.body.id}`);
      expect({ status: again.status, error: again.body.error }).toEqual({ status: 404, error: 'not_found' });
    });
  });

  describe('resources', () => {
    it('registers a resource and lists resources in pages, built-in ones first', async () => {
      const created = await call('post', '/admin/resources').send({
        identifier: 'https://ledger.example/',
        name: 'Ledger',
        scopes: [{ name: 'ledger:read', description: 'Read your ledger' }],
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        identifier: 'https://ledger.example/',
        name: 'Ledger',
        scopes: [{ name: 'ledger:read', description: 'Read your ledger' }],
        introspectors: [],
        built_in: false,
      });
      const bad = await call('post', '/admin/resources').send({
        identifier: 'https://bad.example/#frag',
        name: 'Bad',
        scopes: [{ name: 'x', description: 'X' }],
      });
      expect({ status: bad.status, error: bad.body.error }).toEqual({ status: 400, error: 'invalid_request' });
      const noScopes = await call('post', '/admin/resources').send({ identifier: 'https://n.example/', name: 'N' });
      expect(noScopes.status).toBe(400);

      const first = await call('get', '/admin/resources?limit=2');
      expect(first.body.items.map((resource: { identifier: string }) => resource.identifier)).toEqual([
        oauth.resourceAudience,
        oauth.mcpResource,
      ]);
      const rest = await call('get', `/admin/resources?limit=10&cursor=${first.body.next_cursor}`);
      expect(rest.body.items.map((resource: { identifier: string }) => resource.identifier)).toEqual([
        oauth.adminResource,
        oauth.userinfoResource,
        'https://ledger.example/',
      ]);
      expect(rest.body.next_cursor).toBeNull();
    });
  });

  describe('keys', () => {
    it('rotates the signing key: new tokens carry the new kid, which the JWKS publishes', async () => {
      const res = await call('post', '/admin/keys/rotate');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kid: expect.any(String) });
      const jwks = await request(t.server).get('/oauth/jwks');
      expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toContain(res.body.kid);
      const next = await adminTokenOf(admin);
      expect(decodeJwt(next).header.kid).toBe(res.body.kid);
      // Tokens signed before the rotation stay valid until they expire.
      expect((await call('get', '/admin/users')).status).toBe(200);
    });
  });

  describe('audit events', () => {
    it('lists the events of admin calls newest first, by type and since, in pages', async () => {
      const before = new Date().toISOString();
      const one = (
        await call('post', '/admin/clients').send({ name: 'Audited 1', grant_types: ['client_credentials'] })
      ).body.client_id;
      const two = (
        await call('post', '/admin/clients').send({ name: 'Audited 2', grant_types: ['client_credentials'] })
      ).body.client_id;

      const res = await call('get', `/admin/audit-events?type=client.created&since=${encodeURIComponent(before)}`);
      expect(res.status).toBe(200);
      expect(res.body.items.map((event: { client_id: string }) => event.client_id)).toEqual([two, one]);
      expect(res.body.items[0]).toEqual({
        id: expect.any(String),
        at: expect.any(String),
        type: 'client.created',
        actor: `client:${admin.clientId}`,
        subject: `client:${two}`,
        client_id: two,
        ip: expect.any(String),
        details: expect.objectContaining({ name: 'Audited 2', grant_types: ['client_credentials'] }),
      });

      const page1 = await call('get', '/admin/audit-events?type=client.created&limit=1');
      expect(page1.body.items.map((event: { client_id: string }) => event.client_id)).toEqual([two]);
      const page2 = await call(
        'get',
        `/admin/audit-events?type=client.created&limit=1&cursor=${page1.body.next_cursor}`,
      );
      expect(page2.body.items.map((event: { client_id: string }) => event.client_id)).toEqual([one]);

      for (const query of ['type=client.exploded', 'since=yesterday', 'limit=-1']) {
        const bad = await call('get', `/admin/audit-events?${query}`);
        expect({ query, status: bad.status, error: bad.body.error }).toEqual({
          query,
          status: 400,
          error: 'invalid_request',
        });
      }
    });
  });

  it('is described in the OpenAPI document under the Admin tag, with bearer auth', async () => {
    const res = await request(t.server).get('/docs/openapi.json');
    const paths = res.body.paths as Record<string, Record<string, { tags: string[]; security?: unknown[] }>>;
    const expected: Array<[string, string]> = [
      ['/admin/clients', 'get'],
      ['/admin/clients', 'post'],
      ['/admin/clients/{id}', 'get'],
      ['/admin/clients/{id}', 'patch'],
      ['/admin/clients/{id}', 'delete'],
      ['/admin/clients/{id}/rotate-secret', 'post'],
      ['/admin/users', 'get'],
      ['/admin/users', 'post'],
      ['/admin/users/{id}', 'delete'],
      ['/admin/resources', 'get'],
      ['/admin/resources', 'post'],
      ['/admin/keys/rotate', 'post'],
      ['/admin/audit-events', 'get'],
    ];
    for (const [path, method] of expected) {
      expect({ path, method, tags: paths[path]?.[method]?.tags }).toEqual({ path, method, tags: ['Admin'] });
      expect(paths[path][method].security).toEqual([{ bearer: [] }]);
    }
    expect(res.body.tags.map((tag: { name: string }) => tag.name)).toContain('Admin');
  });
});
