import request from 'supertest';
import { createTestApp, TestApp } from './utils/app';

describe('wrong methods', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['put', '/api/me', 'GET'],
    ['delete', '/api/notes', 'GET'],
    ['put', '/api/notes/6f1c2a4e-3a9b-4c1d-9e2f-0a1b2c3d4e5f', 'DELETE'],
    ['post', '/health', 'GET'],
    ['post', '/oauth/jwks', 'GET'],
    ['delete', '/.well-known/oauth-authorization-server', 'GET'],
    ['put', '/oauth/authorize', 'GET'],
    ['delete', '/login', 'POST'],
    // A stateless MCP server has no GET stream (MCP Streamable HTTP transport).
    ['get', '/mcp', 'POST'],
    ['delete', '/mcp', 'POST'],
    ['get', '/oauth/device_authorization', 'POST'],
  ] as const)('%s %s answers 405 with Allow', async (method, path, oneAllowed) => {
    const res = await request(t.server)[method](path);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBeDefined();
    expect(res.headers.allow.split(', ')).toContain(oneAllowed);
    expect(res.headers.allow.split(', ')).not.toContain(method.toUpperCase());
    expect(res.body.error).toBe('method_not_allowed');
  });

  it('keeps 404 for paths no route serves', async () => {
    const res = await request(t.server).put('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.allow).toBeUndefined();
  });
});
