import request from 'supertest';
import { createTestApp, TestApp } from './utils/app';

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
