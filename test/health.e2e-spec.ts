import request from 'supertest';
import { createTestApp, TestApp } from './utils/app';
import { API_TAGS } from '../src/common/api-tags';

describe('GET /health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers 200 when the database answers', async () => {
    const res = await request(t.server).get('/health');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('answers 503 when the database does not', async () => {
    await t.dataSource.destroy();
    try {
      const res = await request(t.server).get('/health');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    } finally {
      await t.dataSource.initialize();
    }
  });
});

describe('GET /docs', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('serves the OpenAPI description', async () => {
    const res = await request(t.server).get('/docs/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.info.title).toBe('Tollgate');
    expect(Object.keys(res.body.paths)).toContain('/health');
  });

  it('tags every operation with one of the declared tags, and lists the authorization endpoint', async () => {
    const res = await request(t.server).get('/docs/openapi.json');
    const declared = (res.body.tags as Array<{ name: string }>).map((tag) => tag.name);
    expect(declared).toEqual(Object.values(API_TAGS));
    const tagsByOperation: Record<string, string[]> = {};
    for (const [path, operations] of Object.entries(
      res.body.paths as Record<string, Record<string, { tags?: string[] }>>,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        tagsByOperation[`${method.toUpperCase()} ${path}`] = operation.tags ?? [];
      }
    }
    const badlyTagged = Object.entries(tagsByOperation).filter(
      ([, tags]) => tags.length !== 1 || !declared.includes(tags[0]),
    );
    expect(badlyTagged).toEqual([]);
    expect(tagsByOperation).toMatchObject({
      'GET /oauth/authorize': [API_TAGS.Authorization],
      'POST /oauth/token': [API_TAGS.Token],
      'POST /oauth/introspect': [API_TAGS.Introspection],
      'POST /oauth/revoke': [API_TAGS.Revocation],
      'POST /oauth/device_authorization': [API_TAGS.DeviceAuthorization],
      'GET /.well-known/oauth-authorization-server': [API_TAGS.Discovery],
      'GET /oauth/jwks': [API_TAGS.Discovery],
      'GET /health': [API_TAGS.Operations],
      'GET /api/me': [API_TAGS.SampleApi],
      'GET /oauth/userinfo': [API_TAGS.OpenIdConnect],
      'GET /.well-known/openid-configuration': [API_TAGS.Discovery],
      'POST /oauth/register': [API_TAGS.ClientRegistration],
      'POST /admin/clients': [API_TAGS.Admin],
    });
    const authorize = res.body.paths['/oauth/authorize'].get;
    expect(authorize.summary).toMatch(/browser/);
    expect(authorize.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['response_type', 'client_id', 'redirect_uri', 'code_challenge', 'state']),
    );
    // The sign-in, consent, account and device pages are for people, not in the API description.
    expect(Object.keys(res.body.paths).filter((path) => /^\/(login|consent|account|device)/.test(path))).toEqual([]);
  });

  it('serves the interactive page', async () => {
    const res = await request(t.server).get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await request(t.server).get('/no-such-route');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});
