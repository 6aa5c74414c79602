import type { INestApplicationContext } from '@nestjs/common';
import { exportJWK, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import request, { Response } from 'supertest';
import { runCli } from '../src/cli';
import { ClientsService, toClientView } from '../src/clients/clients.service';
import { MaintenanceService } from '../src/maintenance/maintenance.service';
import { RegistrationTokensService } from '../src/registration/registration-tokens.service';
import { createTestApp, TestApp } from './utils/app';
import { fetchForm, openControl } from './utils/cluster';
import { createSharedTestDatabase, TestDatabase } from './utils/database';
import { createClient, createUser, pkcePair } from './utils/fixtures';
import { basic, expectJson, expectNoStore, expectOAuthError, tokenRequest } from './utils/oauth';
import { SPAWNING_TEST_TIMEOUT_MS, startServer, TollgateProcess } from './utils/process';
import { authorizePath, authorizeThrough, locationOf, responseParams, signIn, TestBrowser } from './utils/session';

const ISSUER = 'http://localhost:3000';
const REDIRECT_URI = 'https://app.example/callback';

interface Registered {
  client_id: string;
  client_secret?: string;
  registration_access_token: string;
  registration_client_uri: string;
  [field: string]: unknown;
}

function register(t: TestApp, metadata: unknown, token?: string) {
  const pending = request(t.server).post('/oauth/register').set('content-type', 'application/json');
  if (token !== undefined) pending.set('authorization', `Bearer ${token}`);
  return pending.send(JSON.stringify(metadata));
}

function pathOf(registered: Registered): string {
  expect(registered.registration_client_uri).toBe(`${ISSUER}/oauth/register/${registered.client_id}`);
  return new URL(registered.registration_client_uri).pathname;
}

/** A 400 of RFC 7591 §3.2.2: status, JSON, no-store, `error` and `error_description` only. */
function expectMetadataError(res: Response, error: 'invalid_redirect_uri' | 'invalid_client_metadata'): void {
  expectOAuthError(res, 400, error);
}

/** RFC 6750 §3.1 (RFC 7591 §3, RFC 7592 §2): a Bearer challenge, with error="invalid_token" unless no token came. */
function expectInvalidToken(res: Response, hasToken = true): void {
  expect(res.status).toBe(401);
  expectNoStore(res);
  expect(res.headers['www-authenticate']).toMatch(hasToken ? /^Bearer .*error="invalid_token"/ : /^Bearer/);
}

describe('client registration (RFC 7591 / RFC 7592), REGISTRATION=token', () => {
  let t: TestApp;
  let tokens: RegistrationTokensService;

  beforeAll(async () => {
    t = await createTestApp({ env: { ISSUER } });
    tokens = t.get(RegistrationTokensService);
  });

  afterAll(async () => {
    await t.close();
  });

  const issueToken = async (options: { expiresInSeconds?: number; maxUses?: number } = {}, now?: Date) =>
    (await tokens.create(options, now)).token;

  describe('R2-12: the initial access token', () => {
    it('is required: none, a wrong one, an expired one and a used-up one get 401', async () => {
      expectInvalidToken(await register(t, { redirect_uris: [REDIRECT_URI] }), false);
      expectInvalidToken(await register(t, { redirect_uris: [REDIRECT_URI] }, 'not-a-token'));
      // The token is checked before the metadata: no feedback on metadata without one.
      expectInvalidToken(await register(t, { redirect_uris: ['javascript:alert(1)'] }, 'not-a-token'));
      const expired = await issueToken({ expiresInSeconds: 60 }, new Date(Date.now() - 120_000));
      expectInvalidToken(await register(t, { redirect_uris: [REDIRECT_URI] }, expired));

      const once = await issueToken({ maxUses: 1 });
      expect((await register(t, { redirect_uris: [REDIRECT_URI] }, once)).status).toBe(201);
      expectInvalidToken(await register(t, { redirect_uris: [REDIRECT_URI] }, once));
    });

    it('is not spent by a refused registration', async () => {
      const once = await issueToken({ maxUses: 1 });
      expectMetadataError(await register(t, { redirect_uris: ['javascript:alert(1)'] }, once), 'invalid_redirect_uri');
      expect((await register(t, { redirect_uris: [REDIRECT_URI] }, once)).status).toBe(201);
    });

    it('is used at most max_uses times, even by parallel registrations', async () => {
      const token = await issueToken({ maxUses: 3 });
      const results = await Promise.all(
        Array.from({ length: 10 }, () => register(t, { redirect_uris: [REDIRECT_URI] }, token)),
      );
      expect(results.filter((res) => res.status === 201)).toHaveLength(3);
      for (const refused of results.filter((res) => res.status !== 201)) expectInvalidToken(refused);
    });

    it('is stored only as a hash', async () => {
      const token = await issueToken();
      const rows: Array<Record<string, unknown>> = await t.dataSource.query('SELECT * FROM registration_tokens');
      expect(JSON.stringify(rows)).not.toContain(token);
    });
  });

  describe('RFC 7591 §3.2.1: a registration', () => {
    it('answers 201 with the metadata, a secret for a confidential client and the RFC 7592 credentials', async () => {
      const res = await register(
        t,
        {
          redirect_uris: [REDIRECT_URI],
          client_name: 'Partner app',
          client_uri: 'https://app.example',
          logo_uri: 'https://app.example/logo.png',
          grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
          scope: 'profile notes:read',
          contacts: ['ops@app.example'],
          software_id: 'partner-app',
          an_extension_we_do_not_know: 'ignored (RFC 7591 §2)',
        },
        await issueToken(),
      );
      expect(res.status).toBe(201);
      expectJson(res);
      expectNoStore(res);
      const body = res.body as Registered;
      expect(body).toEqual({
        client_id: expect.stringMatching(/^[A-Za-z0-9][\w-]+$/),
        client_secret: expect.stringMatching(/^[\w-]{43}$/),
        client_id_issued_at: expect.any(Number),
        client_secret_expires_at: 0,
        client_name: 'Partner app',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'profile notes:read',
        client_uri: 'https://app.example',
        logo_uri: 'https://app.example/logo.png',
        contacts: ['ops@app.example'],
        software_id: 'partner-app',
        application_type: 'web',
        registration_access_token: expect.stringMatching(/^[\w-]{43}$/),
        registration_client_uri: `${ISSUER}/oauth/register/${body.client_id}`,
      });
      expect(Math.abs(Number(body.client_id_issued_at) - Date.now() / 1000)).toBeLessThan(60);

      // The client works at once, and the operator sees where it came from.
      const granted = await tokenRequest(
        t,
        { grant_type: 'client_credentials', scope: 'profile' },
        basic(body.client_id, body.client_secret as string),
      );
      expect(granted.status).toBe(200);
      const view = toClientView(await t.get(ClientsService).getById(body.client_id));
      expect(view).toMatchObject({ client_id: body.client_id, registration: 'dynamic', name: 'Partner app' });

      // Secrets and registration access tokens are stored as hashes only.
      const rows: Array<Record<string, unknown>> = await t.dataSource.query(
        'SELECT * FROM oauth_clients WHERE client_id = ?',
        [body.client_id],
      );
      expect(JSON.stringify(rows)).not.toContain(body.client_secret);
      expect(JSON.stringify(rows)).not.toContain(body.registration_access_token);
    });

    it('registers a public client (none) with no secret, and it runs the code flow with PKCE', async () => {
      const res = await register(
        t,
        { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', grant_types: ['authorization_code'] },
        await issueToken(),
      );
      expect(res.status).toBe(201);
      expect(res.body.client_secret).toBeUndefined();
      expect(res.body.client_secret_expires_at).toBeUndefined();
      expect(res.body.token_endpoint_auth_method).toBe('none');
      // No client_name: the host it sends users back to.
      expect(res.body.client_name).toBe('app.example');

      const user = await createUser(t);
      const browser = new TestBrowser(t);
      const { verifier, challenge } = pkcePair();
      const answer = await authorizeThrough(
        browser,
        {
          response_type: 'code',
          client_id: res.body.client_id,
          redirect_uri: REDIRECT_URI,
          scope: 'profile',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        },
        { username: user.username },
      );
      const code = responseParams(answer).get('code');
      expect(code).toBeTruthy();
      const exchanged = await tokenRequest(t, {
        grant_type: 'authorization_code',
        client_id: res.body.client_id,
        code: code as string,
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
      });
      expect(exchanged.status).toBe(200);
    });

    it('shows on the consent page that an operator did not register it, and where it sends the user', async () => {
      const res = await register(
        t,
        {
          redirect_uris: [REDIRECT_URI],
          client_name: 'Official Bank App',
          logo_uri: 'https://app.example/logo.png',
          token_endpoint_auth_method: 'none',
        },
        await issueToken(),
      );
      const user = await createUser(t);
      const browser = new TestBrowser(t);
      await signIn(browser, user.username);
      const { challenge } = pkcePair();
      const asked = await browser.get(
        authorizePath({
          response_type: 'code',
          client_id: res.body.client_id,
          redirect_uri: REDIRECT_URI,
          scope: 'profile',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      const consent = locationOf(asked);
      expect(consent.pathname).toBe('/consent');
      const consentPath = consent.pathname + consent.search;
      const page = await browser.get(consentPath);
      expect(page.status).toBe(200);
      expect(page.text).toContain('not registered by an operator');
      expect(page.text).toContain('app.example');
      expect(page.text).toContain('<img src="https://app.example/logo.png"');
    });
  });

  describe('R2-11: bad metadata gets RFC 7591 §3.2.2 errors', () => {
    it.each([
      [{ redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['https://app.example/cb#fragment'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['http://app.example/cb'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['https://*.app.example/cb'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: 'https://app.example/cb' }, 'invalid_redirect_uri'],
      [{ redirect_uris: [] }, 'invalid_redirect_uri'],
      [{}, 'invalid_redirect_uri'],
      [{ redirect_uris: [REDIRECT_URI], logo_uri: 'http://app.example/logo.png' }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], client_uri: 'javascript:alert(1)' }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'client_secret_jwt' }, 'invalid_client_metadata'],
      [
        {
          redirect_uris: [REDIRECT_URI],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks_uri: 'http://app.example/jwks',
        },
        'invalid_client_metadata',
      ],
      [{ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
      [
        {
          redirect_uris: [REDIRECT_URI],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] },
        },
        'invalid_client_metadata',
      ],
      [
        {
          redirect_uris: [REDIRECT_URI],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [] },
          jwks_uri: 'https://app.example/jwks',
        },
        'invalid_client_metadata',
      ],
      [{ redirect_uris: [REDIRECT_URI], jwks_uri: 'https://app.example/jwks' }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], jwks: { keys: [] } }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], grant_types: ['urn:example:unknown'] }, 'invalid_client_metadata'],
      [
        { redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'], response_types: ['token'] },
        'invalid_client_metadata',
      ],
      [
        { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] },
        'invalid_client_metadata',
      ],
      [{ redirect_uris: [REDIRECT_URI], scope: 'admin' }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], scope: 'no-such-scope' }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], client_name: 42 }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], application_type: 'toaster' }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], client_id: 'my-own-id' }, 'invalid_client_metadata'],
      [[REDIRECT_URI], 'invalid_client_metadata'],
    ] as const)('%j → %s', async (metadata, error) => {
      expectMetadataError(await register(t, metadata, await issueToken()), error);
    });

    it('refuses a form-encoded registration', async () => {
      const res = await request(t.server)
        .post('/oauth/register')
        .set('authorization', `Bearer ${await issueToken()}`)
        .type('form')
        .send({ redirect_uris: REDIRECT_URI });
      expectMetadataError(res, 'invalid_client_metadata');
    });
  });

  describe('RFC 7592: the client configuration endpoint', () => {
    async function registered(metadata: Record<string, unknown> = {}): Promise<Registered> {
      const res = await register(
        t,
        { redirect_uris: [REDIRECT_URI], client_name: 'Managed', ...metadata },
        await issueToken(),
      );
      expect(res.status).toBe(201);
      return res.body as Registered;
    }

    it('reads the registration with its token (§2.1)', async () => {
      const client = await registered();
      const res = await request(t.server)
        .get(pathOf(client))
        .set('authorization', `Bearer ${client.registration_access_token}`);
      expect(res.status).toBe(200);
      expectNoStore(res);
      const { client_secret: _secret, ...withoutSecret } = client;
      expect(res.body).toEqual(withoutSecret);
    });

    it("a PUT can neither lift what an operator restricted nor drop the client's keys (§2.2)", async () => {
      const { publicKey } = await generateKeyPair('ES256', { extractable: true });
      const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig' }] };
      const client = await registered({
        grant_types: ['client_credentials'],
        redirect_uris: [],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks,
      });
      expect(client).toMatchObject({ jwks });
      // The operator restricts it to the sample API (RFC 8707).
      await t.get(ClientsService).update(client.client_id, { resources: [`${ISSUER}/api`] }, undefined, true);
      const put = (metadata: Record<string, unknown>) =>
        request(t.server)
          .put(pathOf(client))
          .set('authorization', `Bearer ${client.registration_access_token}`)
          .send({ client_id: client.client_id, grant_types: ['client_credentials'], redirect_uris: [], ...metadata });
      // Full replacement without keys: refused, nothing changed (the old token still works).
      expectMetadataError(await put({ token_endpoint_auth_method: 'private_key_jwt' }), 'invalid_client_metadata');
      const renamed = await put({ token_endpoint_auth_method: 'private_key_jwt', jwks, client_name: 'Renamed' });
      expect(renamed.status).toBe(200);
      const stored = await t.get(ClientsService).getById(client.client_id);
      expect(stored.resources).toEqual([`${ISSUER}/api`]);
      expect(stored.name).toBe('Renamed');
      expect(JSON.parse(stored.jwks as string)).toEqual(jwks);
    });

    it('offers a self-registered client the everyday grants only', async () => {
      for (const grantType of ['password', 'implicit', 'urn:ietf:params:oauth:grant-type:token-exchange']) {
        const res = await register(t, { redirect_uris: [REDIRECT_URI], grant_types: [grantType] }, await issueToken());
        expectMetadataError(res, 'invalid_client_metadata');
      }
    });

    it('spends no initial-token use on metadata refused by any check (keys included)', async () => {
      const token = await issueToken({ maxUses: 1 });
      const bad = await register(
        t,
        {
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA', d: 'AAAA' }] },
        },
        token,
      );
      expectMetadataError(bad, 'invalid_client_metadata');
      expect((await register(t, { redirect_uris: [REDIRECT_URI] }, token)).status).toBe(201);
    });

    it('updates the metadata and rotates the registration access token (§2.2)', async () => {
      const client = await registered();
      const res = await request(t.server)
        .put(pathOf(client))
        .set('authorization', `Bearer ${client.registration_access_token}`)
        .send({
          client_id: client.client_id,
          client_secret: client.client_secret,
          redirect_uris: [REDIRECT_URI, 'https://app.example/other'],
          client_name: 'Renamed',
          grant_types: ['authorization_code', 'refresh_token'],
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        client_id: client.client_id,
        client_name: 'Renamed',
        redirect_uris: [REDIRECT_URI, 'https://app.example/other'],
        grant_types: ['authorization_code', 'refresh_token'],
      });
      expect(res.body.client_secret).toBeUndefined();
      expect(res.body.registration_access_token).not.toBe(client.registration_access_token);

      // The old token is dead; the new one works; the secret is unchanged.
      expectInvalidToken(
        await request(t.server).get(pathOf(client)).set('authorization', `Bearer ${client.registration_access_token}`),
      );
      const read = await request(t.server)
        .get(pathOf(client))
        .set('authorization', `Bearer ${res.body.registration_access_token}`);
      expect(read.status).toBe(200);
      expect(
        (
          await tokenRequest(
            t,
            { grant_type: 'client_credentials' },
            basic(client.client_id, client.client_secret as string),
          )
        ).body.error,
      ).toBe('unauthorized_client');
    });

    it('refuses an update naming another client_id or a wrong secret, and bad metadata', async () => {
      const client = await registered();
      const auth = `Bearer ${client.registration_access_token}`;
      const base = { client_id: client.client_id, redirect_uris: [REDIRECT_URI] };
      expectMetadataError(
        await request(t.server)
          .put(pathOf(client))
          .set('authorization', auth)
          .send({ ...base, client_id: 'other' }),
        'invalid_client_metadata',
      );
      expectMetadataError(
        await request(t.server)
          .put(pathOf(client))
          .set('authorization', auth)
          .send({ ...base, client_secret: 'chosen-by-me' }),
        'invalid_client_metadata',
      );
      expectMetadataError(
        await request(t.server)
          .put(pathOf(client))
          .set('authorization', auth)
          .send({ ...base, redirect_uris: ['http://evil.example/'] }),
        'invalid_redirect_uri',
      );
      // A refused update changes nothing, the token included.
      expect((await request(t.server).get(pathOf(client)).set('authorization', auth)).status).toBe(200);
    });

    it("R2-13: another client's token gets 401 on GET, PUT and DELETE, and changes nothing", async () => {
      const victim = await registered();
      const attacker = await registered();
      const auth = `Bearer ${attacker.registration_access_token}`;
      expectInvalidToken(await request(t.server).get(pathOf(victim)).set('authorization', auth));
      expectInvalidToken(
        await request(t.server)
          .put(pathOf(victim))
          .set('authorization', auth)
          .send({ client_id: victim.client_id, redirect_uris: ['https://evil.example/cb'] }),
      );
      expectInvalidToken(await request(t.server).delete(pathOf(victim)).set('authorization', auth));
      expectInvalidToken(await request(t.server).get(pathOf(victim)), false);
      // An operator's client has no configuration endpoint, whatever the token.
      const operator = await createClient(t);
      expectInvalidToken(
        await request(t.server).get(`/oauth/register/${operator.clientId}`).set('authorization', auth),
      );
      const still = await request(t.server)
        .get(pathOf(victim))
        .set('authorization', `Bearer ${victim.registration_access_token}`);
      expect(still.status).toBe(200);
      expect(still.body.redirect_uris).toEqual([REDIRECT_URI]);
    });

    it('R2-13: after DELETE (§2.3) the client is invalid_client everywhere at once', async () => {
      const client = await registered({ grant_types: ['authorization_code', 'refresh_token', 'client_credentials'] });
      const auth = basic(client.client_id, client.client_secret as string);
      expect((await tokenRequest(t, { grant_type: 'client_credentials' }, auth)).status).toBe(200);

      const deleted = await request(t.server)
        .delete(pathOf(client))
        .set('authorization', `Bearer ${client.registration_access_token}`);
      expect(deleted.status).toBe(204);

      expectOAuthError(await tokenRequest(t, { grant_type: 'client_credentials' }, auth), 401, 'invalid_client');
      expectOAuthError(
        await request(t.server).post('/oauth/introspect').set('authorization', auth).type('form').send({ token: 'x' }),
        401,
        'invalid_client',
      );
      expectOAuthError(
        await request(t.server)
          .post('/oauth/device_authorization')
          .set('authorization', auth)
          .type('form')
          .send({ scope: 'profile' }),
        401,
        'invalid_client',
      );
      const page = await request(t.server).get(
        `/oauth/authorize?response_type=code&client_id=${client.client_id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
      );
      expect(page.status).toBe(400);
      expect(page.headers.location).toBeUndefined();
      expectInvalidToken(
        await request(t.server).get(pathOf(client)).set('authorization', `Bearer ${client.registration_access_token}`),
      );
    });
  });

  describe('hygiene', () => {
    it('the cleanup job deletes self-registered clients unused for REGISTRATION_UNUSED_CLIENT_TTL_SECONDS, never operator clients', async () => {
      const unused = (
        await register(t, { redirect_uris: [REDIRECT_URI], grant_types: ['client_credentials'] }, await issueToken())
      ).body as Registered;
      const used = (
        await register(t, { redirect_uris: [REDIRECT_URI], grant_types: ['client_credentials'] }, await issueToken())
      ).body as Registered;
      const operator = await createClient(t);
      // 31 days on: `used` authenticates then (recorded once a day), the others have been idle since creation.
      const later = new Date(Date.now() + 31 * 86400_000);
      const clients = t.get(ClientsService);
      await clients.recordUse((await clients.findById(used.client_id))!, later);
      // Recorded at most once a day: a second use the same day writes nothing.
      const before = (await clients.findById(used.client_id))!.lastUsedAt;
      await clients.recordUse((await clients.findById(used.client_id))!, new Date(later.getTime() + 3600_000));
      expect((await clients.findById(used.client_id))!.lastUsedAt).toEqual(before);

      const report = await t.get(MaintenanceService).cleanup(new Date(later.getTime() + 60_000));
      expect(report.deleted.unused_clients).toBeGreaterThanOrEqual(1);
      expect(await clients.findById(unused.client_id)).toBeNull();
      expect(await clients.findById(used.client_id)).not.toBeNull();
      expect(await clients.findById(operator.clientId)).not.toBeNull();
    });

    it('a token request records the use of a self-registered client', async () => {
      const client = (
        await register(t, { redirect_uris: [REDIRECT_URI], grant_types: ['client_credentials'] }, await issueToken())
      ).body as Registered;
      expect((await t.get(ClientsService).findById(client.client_id))!.lastUsedAt).toBeNull();
      await tokenRequest(
        t,
        { grant_type: 'client_credentials' },
        basic(client.client_id, client.client_secret as string),
      );
      expect((await t.get(ClientsService).findById(client.client_id))!.lastUsedAt).toBeInstanceOf(Date);
    });
  });

  it('oauth4webapi registers through its dynamic registration helpers and gets tokens', async () => {
    const address = await listening(t);
    const options = {
      // The issuer is http on a loopback host (RFC 8414 §2 allows it here): opt in to http.
      [oauth.allowInsecureRequests]: true,
      [oauth.customFetch]: (url: URL | string, init?: RequestInit) => fetch(String(url).replace(ISSUER, address), init),
    };
    const as = await oauth.processDiscoveryResponse(
      new URL(ISSUER),
      await oauth.discoveryRequest(new URL(ISSUER), { ...options, algorithm: 'oauth2' }),
    );
    expect(as.registration_endpoint).toBe(`${ISSUER}/oauth/register`);
    const client = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(
        as,
        {
          redirect_uris: [REDIRECT_URI],
          grant_types: ['client_credentials'],
          client_name: 'oauth4webapi',
          scope: 'profile',
        },
        { ...options, initialAccessToken: await issueToken() },
      ),
    );
    expect(client.client_id).toEqual(expect.any(String));
    expect(client.registration_access_token).toEqual(expect.any(String));
    const tokensResponse = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.ClientSecretBasic(client.client_secret as string),
        { scope: 'profile' },
        options,
      ),
    );
    expect(tokensResponse.scope).toBe('profile');

    // A refusal surfaces as the library's protocol error with the RFC 7591 §3.2.2 code.
    await expect(
      oauth
        .dynamicClientRegistrationRequest(
          as,
          { redirect_uris: ['javascript:alert(1)'] },
          { ...options, initialAccessToken: await issueToken() },
        )
        .then((response) => oauth.processDynamicClientRegistrationResponse(response)),
    ).rejects.toMatchObject({ error: 'invalid_redirect_uri' });

    // A client with no secret at all: it registers its public key (RFC 7591 §2 jwks) and
    // authenticates with signed assertions (RFC 7523, private_key_jwt).
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const keyless = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(
        as,
        {
          grant_types: ['client_credentials'],
          client_name: 'keyless service',
          scope: 'profile',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig' }] },
        },
        { ...options, initialAccessToken: await issueToken() },
      ),
    );
    expect(keyless.client_secret).toBeUndefined();
    expect(keyless.token_endpoint_auth_method).toBe('private_key_jwt');
    const assertion = await oauth.processClientCredentialsResponse(
      as,
      keyless,
      await oauth.clientCredentialsGrantRequest(
        as,
        keyless,
        oauth.PrivateKeyJwt({ key: privateKey, kid: 'k1' }),
        { scope: 'profile' },
        options,
      ),
    );
    expect(assertion.scope).toBe('profile');
  });
});

describe('client registration, REGISTRATION=open and off', () => {
  let open: TestApp;
  let off: TestApp;

  beforeAll(async () => {
    open = await createTestApp({
      env: {
        ISSUER,
        REGISTRATION: 'open',
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_REGISTRATIONS_PER_HOUR: '3',
      },
    });
    off = await createTestApp({ env: { ISSUER, REGISTRATION: 'off' } });
  });

  afterAll(async () => {
    await Promise.all([open.close(), off.close()]);
  });

  it('open: anyone registers, rate-limited per address', async () => {
    for (let i = 0; i < 3; i += 1) expect((await register(open, { redirect_uris: [REDIRECT_URI] })).status).toBe(201);
    const limited = await register(open, { redirect_uris: [REDIRECT_URI] });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.error).toBe('temporarily_unavailable');
  });

  it('off: no registration endpoint, in metadata or on the wire', async () => {
    const metadata = await request(off.server).get('/.well-known/oauth-authorization-server');
    expect(metadata.body.registration_endpoint).toBeUndefined();
    const refused = await register(off, { redirect_uris: [REDIRECT_URI] });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('access_denied');
  });
});

describe('registration-tokens:create', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createSharedTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = database.url;
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
    try {
      return { code: await runCli(argv), stdout: out.join(''), stderr: err.join('') };
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      process.env.DATABASE_URL = saved;
    }
  }

  it('prints {"token","expires_at","max_uses"}; the token registers max_uses clients, then 401', async () => {
    const created = await cli('registration-tokens:create', '--expires-in', '3600', '--max-uses', '2');
    expect(created.code).toBe(0);
    const issued = JSON.parse(created.stdout) as { token: string; expires_at: string; max_uses: number };
    expect(Object.keys(issued).sort()).toEqual(['expires_at', 'max_uses', 'token']);
    expect(issued.max_uses).toBe(2);
    expect(Math.abs(Date.parse(issued.expires_at) - (Date.now() + 3600_000))).toBeLessThan(60_000);

    const t = await createTestApp({ database, env: { ISSUER } });
    try {
      for (let i = 0; i < 2; i += 1)
        expect((await register(t, { redirect_uris: [REDIRECT_URI] }, issued.token)).status).toBe(201);
      expectInvalidToken(await register(t, { redirect_uris: [REDIRECT_URI] }, issued.token));
    } finally {
      await t.close();
    }
  });

  it('refuses limits out of range, and defaults to one use within a day', async () => {
    const zero = await cli('registration-tokens:create', '--max-uses', '0');
    expect(zero.code).toBe(1);
    expect(zero.stderr).toMatch(/max-uses/);
    expect((await cli('registration-tokens:create', '--expires-in', 'soon')).code).toBe(1);
    const defaults = JSON.parse((await cli('registration-tokens:create')).stdout) as {
      expires_at: string;
      max_uses: number;
    };
    expect(defaults.max_uses).toBe(1);
    expect(Math.abs(Date.parse(defaults.expires_at) - (Date.now() + 86400_000))).toBeLessThan(60_000);
  });
});

describe('a client deleted on one instance (RFC 7592 §2.3)', () => {
  let database: TestDatabase;
  let control: INestApplicationContext;
  let a: TollgateProcess;
  let b: TollgateProcess;

  jest.setTimeout(SPAWNING_TEST_TIMEOUT_MS);

  beforeAll(async () => {
    database = await createSharedTestDatabase();
    control = await openControl(database.url);
    const env = {
      DATABASE_URL: database.url,
      ISSUER: 'http://127.0.0.1:9',
      REGISTRATION: 'open',
      RATE_LIMIT_ENABLED: 'false',
    };
    [a, b] = await Promise.all([startServer('A', env), startServer('B', env)]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await control?.close();
    await database?.drop();
  });

  it('is invalid_client on the other instance at once', async () => {
    const registered = await fetch(`${a.baseUrl}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT_URI], grant_types: ['client_credentials'] }),
    });
    expect(registered.status).toBe(201);
    const client = (await registered.json()) as Registered;
    const auth = { authorization: basic(client.client_id, client.client_secret as string) };
    // Both instances have served the client (and would have cached it, if they cached clients).
    expect((await fetchForm(`${a.baseUrl}/oauth/token`, { grant_type: 'client_credentials' }, auth)).status).toBe(200);
    expect((await fetchForm(`${b.baseUrl}/oauth/token`, { grant_type: 'client_credentials' }, auth)).status).toBe(200);

    const deleted = await fetch(`${a.baseUrl}${new URL(client.registration_client_uri).pathname}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${client.registration_access_token}` },
    });
    expect(deleted.status).toBe(204);
    const refused = await fetchForm(`${b.baseUrl}/oauth/token`, { grant_type: 'client_credentials' }, auth);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
  });
});

async function listening(t: TestApp): Promise<string> {
  const server = t.app.getHttpServer();
  if (!server.listening) await t.app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
