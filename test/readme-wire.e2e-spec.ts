import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { ConfigType } from '@nestjs/config';
import request from 'supertest';
import { oauthConfig } from '../src/config/oauth.config';
import { createTestApp, TestApp } from './utils/app';
import { findFreePort } from './utils/browser';
import { createClient, createUser, pkcePair } from './utils/fixtures';

/** The `WWW-Authenticate: …` examples the README shows, as written (inside backquotes). */
function readmeChallenges(): string[] {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  return [...readme.matchAll(/`WWW-Authenticate: ([^`]+)`/g)].map((match) => match[1]);
}

/** The shell block of the README's "Only curl, no browser" recipe. */
function readmeCurlRecipe(): string {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const start = readme.indexOf('```sh\n', readme.indexOf('**Only curl, no browser:**')) + '```sh\n'.length;
  return readme.slice(start, readme.indexOf('```', start));
}

/** An example as a pattern: `$ISSUER` is the issuer, `…` anything. */
function patternOf(example: string, issuer: string): RegExp {
  const escaped = example.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\\\$ISSUER/g, issuer).replace(/…/g, '[^"]*')}$`);
}

describe('README wire examples', () => {
  let t: TestApp;
  let issuer: string;

  beforeAll(async () => {
    t = await createTestApp();
    issuer = t.get<ConfigType<typeof oauthConfig>>(oauthConfig.KEY).baseUrl;
  });

  afterAll(async () => {
    await t.close();
  });

  it('shows the challenges the server sends', async () => {
    const sent = [
      // Failed client authentication (RFC 6749 §5.2).
      (
        await request(t.server)
          .post('/oauth/token')
          .auth('no-such-client', 'wrong')
          .type('form')
          .send({ grant_type: 'client_credentials' })
      ).headers['www-authenticate'],
      // No token at the sample API, and at the MCP endpoint (RFC 6750 §3, RFC 9728 §5.1).
      (await request(t.server).get('/api/me')).headers['www-authenticate'],
      (await request(t.server).post('/mcp').send({ jsonrpc: '2.0', id: 1, method: 'tools/list' })).headers[
        'www-authenticate'
      ],
    ];
    const examples = readmeChallenges();
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const example of examples) {
      expect({ example, isSent: sent.some((header) => patternOf(example, issuer).test(String(header))) }).toEqual({
        example,
        isSent: true,
      });
    }
    expect(sent[0]).toBe('Basic realm="tollgate", charset="UTF-8"');
  });

  it('runs the "Only curl" recipe as written, and again once consent is remembered', async () => {
    // The recipe talks to a listening server, as a reader's shell would.
    const port = await findFreePort();
    const listening = await createTestApp({ env: { ISSUER: `http://localhost:${port}` } });
    try {
      await listening.app.listen(port, '127.0.0.1');
      const password = 'readme recipe password';
      await createUser(listening, { username: 'demo', password });
      const client = await createClient(listening, { redirectUris: ['http://127.0.0.1:8080/callback'] });
      const authorizeUrl = (): string =>
        `http://localhost:${port}/oauth/authorize?` +
        new URLSearchParams({
          response_type: 'code',
          client_id: client.clientId,
          redirect_uri: 'http://127.0.0.1:8080/callback',
          scope: 'profile notes:read',
          state: 'xyz',
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        }).toString();
      const script = readmeCurlRecipe()
        .replace('"<the URL from step 1>"', '"$AUTHZ_URL"')
        .replace("'password=<password>'", '"password=$DEMO_PASSWORD"');
      for (const round of ['first', 'second']) {
        const { stdout } = await promisify(execFile)('bash', ['-euc', script], {
          env: {
            PATH: process.env.PATH ?? '',
            ISSUER: `http://localhost:${port}`,
            AUTHZ_URL: authorizeUrl(),
            DEMO_PASSWORD: password,
          },
        });
        const callback = new URL(stdout.trim());
        expect({
          round,
          target: `${callback.origin}${callback.pathname}`,
          state: callback.searchParams.get('state'),
        }).toEqual({
          round,
          target: 'http://127.0.0.1:8080/callback',
          state: 'xyz',
        });
        expect(callback.searchParams.get('code')).toMatch(/^[\w-]{43}$/);
      }
    } finally {
      await listening.close();
    }
  });
});
