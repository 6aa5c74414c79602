import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import { ClientsService, toClientView } from '../src/clients/clients.service';
import { JWKS_REFETCH_INTERVAL_MS } from '../src/clients/client-key-sets.service';
import { MaintenanceService } from '../src/maintenance/maintenance.service';
import { createTestApp, TestApp } from './utils/app';
import { createSharedTestDatabase, TestDatabase } from './utils/database';
import { createClient, TestClient } from './utils/fixtures';
import { signJwt } from './utils/jwt';
import { basicOf, expectOAuthError, postForm, tokenRequest } from './utils/oauth';

const ISSUER = 'http://localhost:3000';
const TOKEN_ENDPOINT = `${ISSUER}/oauth/token`;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
const ALGORITHMS = ['ES256', 'RS256', 'PS256', 'Ed25519'] as const;
type Algorithm = (typeof ALGORITHMS)[number];
/** Fake timers for the clock alone: the app's timers, I/O and microtasks keep running for real. */
const NOT_THE_CLOCK = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

interface ClientKey {
  privateKey: oauth.CryptoKey;
  publicJwk: JWK;
  kid: string;
  alg: Algorithm;
}

async function newKey(alg: Algorithm, kid: string = randomUUID()): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid }, kid, alg };
}

/** A private_key_jwt client registered with `keys` by value. */
async function keyClient(t: TestApp, keys: ClientKey[], grantTypes = ['client_credentials']): Promise<TestClient> {
  return createClient(t, {
    tokenEndpointAuthMethod: 'private_key_jwt',
    jwks: { keys: keys.map((key) => key.publicJwk) },
    grantTypes,
    redirectUris: [],
  });
}

/** An assertion as RFC 7523 §3 wants it, with any claim or header replaced. */
async function assertion(
  clientId: string,
  key: ClientKey,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: clientId,
    sub: clientId,
    aud: ISSUER,
    jti: randomUUID(),
    iat: now,
    exp: now + 60,
    ...claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey);
}

function assertionForm(clientId: string, jwt: string): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: jwt,
  };
}

describe('private_key_jwt client authentication (RFC 7523)', () => {
  let t: TestApp;
  let as: oauth.AuthorizationServer;
  let options: { [oauth.allowInsecureRequests]: boolean; [oauth.customFetch]: typeof fetch };
  let origin: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { CIMD_ALLOW_HTTP_LOOPBACK: 'true' } });
    await t.app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    options = {
      // The issuer is http on a loopback host (RFC 8414 §2 allows it here), so opt in to http.
      [oauth.allowInsecureRequests]: true,
      // Every URL the metadata announces is under the configured issuer; route it to the ephemeral port.
      [oauth.customFetch]: (url, init) => fetch(String(url).replace(ISSUER, origin), init),
    };
    as = await oauth.processDiscoveryResponse(
      new URL(ISSUER),
      await oauth.discoveryRequest(new URL(ISSUER), { ...options, algorithm: 'oauth2' }),
    );
  });

  afterAll(async () => {
    await t.close();
  });

  it('lists private_key_jwt and its signing algorithms in the metadata', () => {
    for (const field of ['token', 'introspection', 'revocation'] as const) {
      expect(as[`${field}_endpoint_auth_methods_supported`]).toContain('private_key_jwt');
      expect(as[`${field}_endpoint_auth_signing_alg_values_supported`]).toEqual(
        expect.arrayContaining(['ES256', 'RS256', 'PS256', 'EdDSA']),
      );
      expect(as[`${field}_endpoint_auth_signing_alg_values_supported`]).not.toContain('none');
      expect(as[`${field}_endpoint_auth_signing_alg_values_supported`]).not.toContain('HS256');
    }
    expect(as.token_endpoint_auth_methods_supported?.[0]).toBe('client_secret_basic');
  });

  describe.each(ALGORITHMS)('oauth4webapi PrivateKeyJwt with %s', (alg) => {
    let key: ClientKey;
    let client: TestClient;
    let auth: oauth.ClientAuth;

    beforeAll(async () => {
      key = await newKey(alg);
      client = await keyClient(t, [key], ['client_credentials', DEVICE_CODE]);
      auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });
    });

    it('gets a token, introspects it and revokes it, with no secret at all', async () => {
      expect(client.clientSecret).toBeUndefined();
      const me = { client_id: client.clientId };
      const tokens = await oauth.processClientCredentialsResponse(
        as,
        me,
        await oauth.clientCredentialsGrantRequest(as, me, auth, { scope: 'profile' }, options),
      );
      expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'profile' });

      const introspected = await oauth.processIntrospectionResponse(
        as,
        me,
        await oauth.introspectionRequest(as, me, auth, tokens.access_token, options),
      );
      expect(introspected).toMatchObject({ active: true, client_id: client.clientId, sub: client.clientId });

      await oauth.processRevocationResponse(await oauth.revocationRequest(as, me, auth, tokens.access_token, options));
      const after = await oauth.processIntrospectionResponse(
        as,
        me,
        await oauth.introspectionRequest(as, me, auth, tokens.access_token, options),
      );
      expect(after).toEqual({ active: false });
    });

    it('starts a device authorization', async () => {
      const me = { client_id: client.clientId };
      const started = await oauth.processDeviceAuthorizationResponse(
        as,
        me,
        await oauth.deviceAuthorizationRequest(as, me, auth, { scope: 'profile' }, options),
      );
      expect(started).toMatchObject({ device_code: expect.any(String), user_code: expect.any(String) });
    });
  });

  it('authenticates openid-client v6 with PrivateKeyJwt (client_credentials)', async () => {
    const key = await newKey('ES256');
    const client = await keyClient(t, [key]);
    const config = await openid.discovery(
      new URL(ISSUER),
      client.clientId,
      { token_endpoint_auth_method: 'private_key_jwt' },
      openid.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }),
      {
        execute: [openid.allowInsecureRequests],
        algorithm: 'oauth2',
        [openid.customFetch]: (url, init) => fetch(String(url).replace(ISSUER, origin), init as RequestInit),
      },
    );
    const tokens = await openid.clientCredentialsGrant(config, { scope: 'notes:read' });
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'notes:read' });
    const introspected = await openid.tokenIntrospection(config, tokens.access_token);
    expect(introspected).toMatchObject({ active: true, client_id: client.clientId });
  });

  it('accepts aud as an array holding only the issuer, and the assertion without client_id', async () => {
    const key = await newKey('ES256');
    const client = await keyClient(t, [key]);
    const withArray = await tokenRequest(
      t,
      assertionForm(client.clientId, await assertion(client.clientId, key, { aud: [ISSUER] })),
    );
    expect(withArray.status).toBe(200);
    const { client_id: _omitted, ...form } = assertionForm(client.clientId, await assertion(client.clientId, key));
    expect((await tokenRequest(t, form)).status).toBe(200);
  });

  describe('R2-19: every bad assertion is 401 invalid_client', () => {
    let key: ClientKey;
    let client: TestClient;
    let other: TestClient;

    beforeAll(async () => {
      key = await newKey('ES256');
      client = await keyClient(t, [key]);
      other = await keyClient(t, [await newKey('ES256')]);
    });

    const refused = async (jwt: string, form: Record<string, string> = {}) => {
      const res = await tokenRequest(t, { ...assertionForm(client.clientId, jwt), ...form });
      expectOAuthError(res, 401, 'invalid_client');
    };

    it('refuses the token endpoint URL as the audience (RFC 7523bis)', async () => {
      await refused(await assertion(client.clientId, key, { aud: TOKEN_ENDPOINT }));
      await refused(await assertion(client.clientId, key, { aud: [ISSUER, TOKEN_ENDPOINT] }));
      await refused(await assertion(client.clientId, key, { aud: `${origin}/oauth/token` }));
      // oauth4webapi itself, told to aim at the token endpoint.
      const me = { client_id: client.clientId };
      const aimed = oauth.PrivateKeyJwt(
        { key: key.privateKey, kid: key.kid },
        { [oauth.modifyAssertion]: (_header, payload) => void (payload.aud = TOKEN_ENDPOINT) },
      );
      const res = await oauth.clientCredentialsGrantRequest(as, me, aimed, {}, options);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    });

    it('refuses a replayed jti', async () => {
      const jwt = await assertion(client.clientId, key);
      expect((await tokenRequest(t, assertionForm(client.clientId, jwt))).status).toBe(200);
      await refused(jwt);
      // The same jti in a new assertion is a replay too.
      const jti = randomUUID();
      expect(
        (await tokenRequest(t, assertionForm(client.clientId, await assertion(client.clientId, key, { jti })))).status,
      ).toBe(200);
      await refused(await assertion(client.clientId, key, { jti }));
    });

    it('refuses an expiry more than 5 minutes ahead, a past one, and none', async () => {
      const now = Math.floor(Date.now() / 1000);
      await refused(await assertion(client.clientId, key, { exp: now + 3600 }));
      await refused(await assertion(client.clientId, key, { exp: now - 120 }));
      await refused(await assertion(client.clientId, key, { exp: undefined }));
    });

    it('refuses an assertion not yet valid (nbf, iat) or without a jti', async () => {
      const now = Math.floor(Date.now() / 1000);
      await refused(await assertion(client.clientId, key, { nbf: now + 120 }));
      await refused(await assertion(client.clientId, key, { iat: now + 120 }));
      await refused(await assertion(client.clientId, key, { jti: undefined }));
    });

    it('refuses alg none and HS256', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: client.clientId, sub: client.clientId, aud: ISSUER, jti: randomUUID(), exp: now + 60 };
      await refused(signJwt({ alg: 'none', typ: 'JWT' }, claims, { alg: 'none' }));
      await refused(
        signJwt(
          { alg: 'HS256', kid: key.kid },
          { ...claims, jti: randomUUID() },
          { alg: 'HS256', secret: 'a shared secret' },
        ),
      );
      // HS256 keyed with the public key's own JSON (the algorithm-confusion attack).
      const confused = JSON.stringify(key.publicJwk);
      await refused(
        signJwt({ alg: 'HS256', kid: key.kid }, { ...claims, jti: randomUUID() }, { alg: 'HS256', secret: confused }),
      );
    });

    it('refuses a key not in the client JWKS, even under a registered kid', async () => {
      const stranger = await newKey('ES256', key.kid);
      await refused(await assertion(client.clientId, stranger));
      await refused(await assertion(client.clientId, await newKey('ES256')));
    });

    it('refuses iss or sub other than the client, and another client’s assertion', async () => {
      await refused(await assertion(client.clientId, key, { iss: other.clientId }));
      await refused(await assertion(client.clientId, key, { sub: other.clientId }));
      await refused(await assertion(other.clientId, key));
    });

    it('refuses a wrong assertion type, a malformed assertion, and a missing one', async () => {
      await refused(await assertion(client.clientId, key), { client_assertion_type: 'urn:example:saml' });
      await refused('not-a-jwt');
      const res = await tokenRequest(t, {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_assertion_type: ASSERTION_TYPE,
      });
      expectOAuthError(res, 401, 'invalid_client');
    });

    it('refuses an assertion from a client registered for another method, and a secret from a key client', async () => {
      const secretClient = await createClient(t, { grantTypes: ['client_credentials'] });
      const res = await tokenRequest(
        t,
        assertionForm(secretClient.clientId, await assertion(secretClient.clientId, key)),
      );
      expectOAuthError(res, 401, 'invalid_client');
      const withSecret = await tokenRequest(t, {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: 'x'.repeat(43),
      });
      expectOAuthError(withSecret, 401, 'invalid_client');
    });

    it('refuses an assertion beside a Basic header (one method per request)', async () => {
      const secretClient = await createClient(t, { grantTypes: ['client_credentials'] });
      const res = await tokenRequest(
        t,
        {
          grant_type: 'client_credentials',
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await assertion(client.clientId, key),
        },
        basicOf(secretClient),
      );
      expect(res.status).toBe(400);
    });

    it('refuses at the introspection, revocation and device endpoints too', async () => {
      const bad = await assertion(client.clientId, key, { aud: TOKEN_ENDPOINT });
      const form = { client_id: client.clientId, client_assertion_type: ASSERTION_TYPE, client_assertion: bad };
      expectOAuthError(await postForm(t, '/oauth/introspect', { ...form, token: 'x' }), 401, 'invalid_client');
      expectOAuthError(await postForm(t, '/oauth/revoke', { ...form, token: 'x' }), 401, 'invalid_client');
      expectOAuthError(await postForm(t, '/oauth/device_authorization', form), 401, 'invalid_client');
    });
  });

  describe('keys at a jwks_uri (fetched SSRF-safely; loopback allowed by CIMD_ALLOW_HTTP_LOOPBACK)', () => {
    let server: Server;
    let served: { keys: JWK[] };
    let fetches: number;
    let jwksUri: string;

    beforeAll(async () => {
      server = createServer((_req, res) => {
        fetches += 1;
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600' });
        res.end(JSON.stringify(served));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwksUri = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`;
    });

    afterAll(async () => {
      jest.useRealTimers();
      await new Promise((resolve) => server.close(resolve));
    });

    const byUri = (uri: string) =>
      createClient(t, {
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwksUri: uri,
        grantTypes: ['client_credentials'],
        redirectUris: [],
      });
    const answer = async (client: TestClient, key: ClientKey) =>
      (await tokenRequest(t, assertionForm(client.clientId, await assertion(client.clientId, key)))).status;

    it('fetches the key set once, caches it, and refetches on an unknown kid at most once a minute', async () => {
      const first = await newKey('ES256');
      const second = await newKey('PS256');
      const third = await newKey('ES256');
      served = { keys: [first.publicJwk] };
      fetches = 0;
      const client = await byUri(jwksUri);
      expect(client.clientSecret).toBeUndefined();

      expect(await answer(client, first)).toBe(200);
      expect(await answer(client, first)).toBe(200);
      expect(fetches).toBe(1);

      // The client rotates to a new key. Within a minute of the last fetch, an unknown kid fetches nothing.
      served = { keys: [first.publicJwk, second.publicJwk] };
      expect(await answer(client, second)).toBe(401);
      expect(fetches).toBe(1);

      // A minute later (the clock only: timers and I/O stay real), the unknown kid fetches the set once.
      jest.useFakeTimers({ doNotFake: [...NOT_THE_CLOCK], now: Date.now() + JWKS_REFETCH_INTERVAL_MS + 1000 });
      try {
        expect(await answer(client, second)).toBe(200);
        expect(fetches).toBe(2);
        expect(await answer(client, first)).toBe(200);
        // Right after, another unknown kid does not fetch again.
        expect(await answer(client, third)).toBe(401);
        expect(fetches).toBe(2);
      } finally {
        jest.useRealTimers();
      }
    });

    it('refuses a key set that holds a private key', async () => {
      const key = await newKey('ES256');
      served = { keys: [{ ...key.publicJwk, d: 'AAAA' }] };
      expect(await answer(await byUri(jwksUri), key)).toBe(401);
    });

    it('never fetches from a private address (401, nothing sent)', async () => {
      const key = await newKey('ES256');
      const client = await byUri('https://10.255.255.1/jwks.json');
      const res = await tokenRequest(t, assertionForm(client.clientId, await assertion(client.clientId, key)));
      expectOAuthError(res, 401, 'invalid_client');
    });
  });

  describe('client keys at registration', () => {
    const create = (input: Record<string, unknown>) =>
      t.get(ClientsService).create({
        name: 'keys',
        grantTypes: ['client_credentials'],
        tokenEndpointAuthMethod: 'private_key_jwt',
        ...input,
      });

    it('stores public keys and shows them', async () => {
      const key = await newKey('RS256');
      const { client, clientSecret } = await create({ jwks: JSON.stringify({ keys: [key.publicJwk] }) });
      expect(clientSecret).toBeUndefined();
      const view = toClientView(await t.get(ClientsService).getById(client.clientId));
      expect(view).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } });
      const byUri = await create({ jwksUri: 'https://keys.example/jwks.json' });
      expect(toClientView(byUri.client)).toMatchObject({ jwks_uri: 'https://keys.example/jwks.json' });
    });

    it.each([
      [
        'a private key',
        async () => ({ keys: [await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey)] }),
      ],
      ['a symmetric key', async () => ({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] })],
      [
        'an RSA key under 2048 bits',
        async () => ({ keys: [{ ...(await newKey('RS256')).publicJwk, n: 'AQAB'.repeat(40) }] }),
      ],
      [
        'a P-384 key',
        async () => ({ keys: [await exportJWK((await generateKeyPair('ES384', { extractable: true })).publicKey)] }),
      ],
      ['an encryption key', async () => ({ keys: [{ ...(await newKey('ES256')).publicJwk, use: 'enc' }] })],
      ['no keys', async () => ({ keys: [] })],
      ['not JSON', async () => 'nope'],
    ])('refuses %s', async (_case, jwks) => {
      await expect(create({ jwks: await jwks() })).rejects.toMatchObject({ code: 'invalid_client_metadata' });
    });

    it('wants exactly one of jwks and jwks_uri, and neither for other methods', async () => {
      const jwks = { keys: [(await newKey('ES256')).publicJwk] };
      await expect(create({})).rejects.toMatchObject({ code: 'invalid_client_metadata' });
      await expect(create({ jwks, jwksUri: 'https://keys.example/jwks' })).rejects.toMatchObject({
        code: 'invalid_client_metadata',
      });
      await expect(create({ jwksUri: 'http://keys.example/jwks' })).rejects.toMatchObject({
        code: 'invalid_client_metadata',
      });
      await expect(create({ tokenEndpointAuthMethod: 'client_secret_basic', jwks })).rejects.toMatchObject({
        code: 'invalid_client_metadata',
      });
    });
  });

  it('forgets used jtis once their assertions expired (cleanup job)', async () => {
    const key = await newKey('ES256');
    const client = await keyClient(t, [key]);
    expect((await tokenRequest(t, assertionForm(client.clientId, await assertion(client.clientId, key)))).status).toBe(
      200,
    );
    const rows = () =>
      t.dataSource.query('SELECT id FROM client_assertions WHERE client_id = ?', [client.clientId]) as Promise<
        unknown[]
      >;
    expect(await rows()).toHaveLength(1);
    await t.get(MaintenanceService).cleanup(new Date(Date.now() + 10 * 60_000));
    expect(await rows()).toHaveLength(0);
  });
});

describe('private_key_jwt across instances', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createSharedTestDatabase();
    a = await createTestApp({ database });
    b = await createTestApp({ database });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await database.drop();
  });

  it('accepts a jti once, whichever instance sees it first (R2-19)', async () => {
    const key = await newKey('ES256');
    const client = await keyClient(a, [key]);
    const jwt = await assertion(client.clientId, key);
    const answers = await Promise.all([
      tokenRequest(a, assertionForm(client.clientId, jwt)),
      tokenRequest(b, assertionForm(client.clientId, jwt)),
    ]);
    expect(answers.map((res) => res.status).sort()).toEqual([200, 401]);
    expectOAuthError(await tokenRequest(b, assertionForm(client.clientId, jwt)), 401, 'invalid_client');
  });
});

describe('private_key_jwt failures and the client-authentication throttle', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_MINUTE: '3' } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('counts bad assertions like wrong secrets: 429 after the limit, even for a good assertion', async () => {
    const key = await newKey('ES256');
    const client = await keyClient(t, [key]);
    for (const aud of [TOKEN_ENDPOINT, 'https://elsewhere.example', [ISSUER, TOKEN_ENDPOINT]]) {
      const res = await tokenRequest(t, assertionForm(client.clientId, await assertion(client.clientId, key, { aud })));
      expectOAuthError(res, 401, 'invalid_client');
    }
    const blocked = await tokenRequest(t, assertionForm(client.clientId, await assertion(client.clientId, key)));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });
});
