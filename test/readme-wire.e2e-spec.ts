import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigType } from '@nestjs/config';
import request from 'supertest';
import { oauthConfig } from '../src/config/oauth.config';
import { createTestApp, TestApp } from './utils/app';

/** The `WWW-Authenticate: …` examples the README shows, as written (inside backquotes). */
function readmeChallenges(): string[] {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  return [...readme.matchAll(/`WWW-Authenticate: ([^`]+)`/g)].map((match) => match[1]);
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
});
