import request from 'supertest';
import { createTestApp, TestApp } from './utils/app';

describe('landing page and branding', () => {
  describe('defaults (development)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { ISSUER: 'http://127.0.0.1:4999' } });
    });
    afterAll(() => t.close());

    it('GET / says what the server is and links to its documents and pages', async () => {
      const res = await request(t.server).get('/').set('accept', 'text/html');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toContain('<title>Sign-in and authorization · Tollgate</title>');
      expect(res.text).toContain('<code>http://127.0.0.1:4999</code>');
      for (const href of [
        '/account',
        'http://127.0.0.1:4999/.well-known/oauth-authorization-server',
        'http://127.0.0.1:4999/oauth/jwks',
        'http://127.0.0.1:4999/docs',
      ]) {
        expect(res.text).toContain(`href="${href}"`);
      }
      // Outside production the page says where the demo credentials come from.
      expect(res.text).toContain('the user <code>demo</code>');
    });

    it('answers JSON to a client that asks only for JSON', async () => {
      const res = await request(t.server).get('/').set('accept', 'application/json');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        issuer: 'http://127.0.0.1:4999',
        links: expect.objectContaining({
          authorization_server_metadata: 'http://127.0.0.1:4999/.well-known/oauth-authorization-server',
          api_documentation: 'http://127.0.0.1:4999/docs',
        }),
      });
      expect(res.headers.vary).toMatch(/accept/i);
    });

    it('leaves other unknown paths a JSON 404', async () => {
      const res = await request(t.server).get('/nothing-here').set('accept', 'text/html');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it('draws every page in one frame: skip link, header, main landmark, footer', async () => {
      const res = await request(t.server).get('/login');
      expect(res.text).toContain('<a class="skip" href="#main">Skip to content</a>');
      expect(res.text).toMatch(/<header class="site"><a href="\/"><span>Tollgate<\/span><\/a><\/header>/);
      expect(res.text).toContain('<main id="main">');
      expect(res.text).toContain('<footer class="site">');
      expect(res.text).toContain('<label for="username">');
      expect(res.text).toContain('<label for="password">');
    });
  });

  describe('with BRAND_* in production', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({
        env: {
          NODE_ENV: 'production',
          ISSUER: 'https://login.example.com',
          BRAND_NAME: 'Acme <Login>',
          BRAND_LOGO_URL: 'https://cdn.example.net/acme/logo.svg',
          BRAND_COLOR: '#FFD400',
        },
      });
    });
    afterAll(() => t.close());

    it('puts the brand on the pages, escaped, with readable colours', async () => {
      const res = await request(t.server).get('/login');
      expect(res.text).toContain('<title>Sign in · Acme &lt;Login&gt;</title>');
      expect(res.text).toContain(
        '<img src="https://cdn.example.net/acme/logo.svg" alt=""><span>Acme &lt;Login&gt;</span>',
      );
      // A light brand colour gets dark text on it and is not used for links (WCAG AA).
      expect(res.text).toContain('--accent:#ffd400;--on-accent:#1b1f24;--link:#1b1f24');
      expect(res.text).toContain('Secured by Tollgate');
    });

    it('lets the logo load under the Content-Security-Policy, and nothing else new', async () => {
      const res = await request(t.server).get('/login');
      const imgSrc = /img-src ([^;]*)/.exec(res.headers['content-security-policy'] as string)?.[1];
      expect(imgSrc?.split(' ')).toEqual(["'self'", 'data:', 'https://cdn.example.net']);
    });

    it('gives no demo hint in production', async () => {
      const res = await request(t.server).get('/');
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('demo');
    });
  });

  it('refuses a brand colour or logo that is not what the variables allow', async () => {
    await expect(createTestApp({ env: { BRAND_COLOR: 'red;}</style>' } })).rejects.toThrow(/BRAND_COLOR/);
    await expect(createTestApp({ env: { BRAND_LOGO_URL: 'http://cdn.example.net/logo.png' } })).rejects.toThrow(
      /BRAND_LOGO_URL/,
    );
  });
});
