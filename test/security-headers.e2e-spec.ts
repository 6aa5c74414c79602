import request from 'supertest';
import { createTestApp } from './utils/app';

describe('security headers (helmet)', () => {
  it('are set on every response; HSTS only for an https issuer', async () => {
    const plain = await createTestApp();
    try {
      for (const path of ['/health', '/login', '/.well-known/oauth-authorization-server', '/api/me']) {
        const res = await request(plain.server).get(path);
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        // CSP3 §2.3.1 host-source: no IPv6 literal, which Chromium refuses as an invalid source.
        const formAction = /form-action ([^;]*)/.exec(res.headers['content-security-policy'] as string)?.[1];
        expect(formAction?.split(' ')).toEqual(["'self'", 'https:', 'http://127.0.0.1:*', 'http://localhost:*']);
        expect(res.headers['strict-transport-security']).toBeUndefined();
      }
    } finally {
      await plain.close();
    }
    const secure = await createTestApp({ env: { ISSUER: 'https://auth.example.com' } });
    try {
      const res = await request(secure.server).get('/health');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    } finally {
      await secure.close();
    }
  });
});
