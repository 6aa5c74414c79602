import * as oauth from 'oauth4webapi';
import request from 'supertest';
import { ClientsService } from '../src/clients/clients.service';
import { ConsentService } from '../src/consent/consent.service';
import { ResourcesService } from '../src/resources/resources.service';
import { PrincipalVerifier } from '../src/resource-server/principal-verifier.service';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, mintAccessToken, TestClient } from './utils/fixtures';
import { decodeJwt, resign } from './utils/jwt';
import { basicOf, expectOAuthError, introspect, obtainTokens, postForm, tokenRequest } from './utils/oauth';

const ISSUER = 'http://localhost:3000';
const API = `${ISSUER}/api`;
const MCP = `${ISSUER}/mcp`;
const LEDGER = 'https://ledger.example/api';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

interface ExchangedClaims {
  sub: string;
  aud: string | string[];
  client_id: string;
  scope: string;
  exp: number;
  act?: unknown;
}

describe('token exchange (RFC 8693)', () => {
  let t: TestApp;
  let as: oauth.AuthorizationServer;
  let options: { [oauth.allowInsecureRequests]: boolean; [oauth.customFetch]: typeof fetch };
  let web: TestClient;
  /** The sample API's own service account: it receives users' tokens for /api and calls the ledger. */
  let apiService: TestClient;
  /** The ledger's service account: it receives tokens for the ledger and calls the MCP server. */
  let ledgerService: TestClient;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const origin = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    options = {
      // The issuer is http on a loopback host (RFC 8414 §2 allows it here), so opt in to http.
      [oauth.allowInsecureRequests]: true,
      [oauth.customFetch]: (url, init) => fetch(String(url).replace(ISSUER, origin), init),
    };
    as = await oauth.processDiscoveryResponse(
      new URL(ISSUER),
      await oauth.discoveryRequest(new URL(ISSUER), { ...options, algorithm: 'oauth2' }),
    );
    userId = (await createUser(t)).id;
    web = await createClient(t);
    await t.get(ResourcesService).create({
      identifier: LEDGER,
      name: 'Ledger',
      scopes: [
        { name: 'notes:read', description: 'Read your notes' },
        { name: 'ledger:write', description: 'Write the ledger' },
      ],
    });
    apiService = await createClient(t, {
      grantTypes: [TOKEN_EXCHANGE, 'client_credentials'],
      redirectUris: [],
      scope: 'profile notes:read notes:write ledger:write',
    });
    ledgerService = await createClient(t, {
      grantTypes: [TOKEN_EXCHANGE],
      redirectUris: [],
      scope: 'profile notes:read',
    });
    // A service may exchange the tokens it may introspect: those for the resource it serves.
    await t.get(ResourcesService).setIntrospectors(API, [apiService.clientId]);
    await t.get(ResourcesService).setIntrospectors(LEDGER, [ledgerService.clientId]);
  });

  afterAll(async () => {
    await t.close();
  });

  /** A token exchange through oauth4webapi's generic grant request (genericTokenEndpointRequest). */
  async function exchange(
    client: TestClient,
    parameters: Record<string, string>,
  ): Promise<oauth.TokenEndpointResponse> {
    const me = { client_id: client.clientId };
    const response = await oauth.genericTokenEndpointRequest(
      as,
      me,
      oauth.ClientSecretBasic(client.clientSecret as string),
      TOKEN_EXCHANGE,
      { subject_token_type: ACCESS_TOKEN_TYPE, ...parameters },
      options,
    );
    return oauth.processGenericTokenEndpointResponse(as, me, response);
  }

  function rawExchange(client: TestClient, form: Record<string, string | string[]>) {
    return tokenRequest(
      t,
      { grant_type: TOKEN_EXCHANGE, subject_token_type: ACCESS_TOKEN_TYPE, ...form },
      basicOf(client),
    );
  }

  it('lists the grant type in the metadata', () => {
    expect(as.grant_types_supported).toContain(TOKEN_EXCHANGE);
  });

  it('exchanges a user token for a narrower token for another resource, with act', async () => {
    const user = await obtainTokens(t, web, userId, 'profile notes:read notes:write');
    const subject = decodeJwt<ExchangedClaims>(user.access_token).claims;
    const exchanged = await exchange(apiService, {
      subject_token: user.access_token,
      resource: LEDGER,
      scope: 'notes:read',
    });
    expect(exchanged).toMatchObject({
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'bearer',
      scope: 'notes:read',
      expires_in: expect.any(Number),
    });
    expect(exchanged.refresh_token).toBeUndefined();
    const claims = decodeJwt<ExchangedClaims>(exchanged.access_token).claims;
    expect(claims).toMatchObject({ sub: userId, aud: LEDGER, client_id: apiService.clientId, scope: 'notes:read' });
    expect(claims.act).toEqual({ sub: apiService.clientId });
    // Never outlives the subject token.
    expect(claims.exp).toBeLessThanOrEqual(subject.exp);
    expect(exchanged.expires_in).toBeLessThanOrEqual(subject.exp - Math.floor(Date.now() / 1000) + 1);

    // Introspection shows the actor (to the token's client and to the ledger's introspector).
    expect(await introspect(t, apiService, exchanged.access_token)).toMatchObject({
      active: true,
      sub: userId,
      aud: LEDGER,
      act: { sub: apiService.clientId },
    });
    expect(await introspect(t, ledgerService, exchanged.access_token)).toMatchObject({ active: true });
  });

  it('defaults to the subject token’s scopes that belong to the target resource', async () => {
    const user = await obtainTokens(t, web, userId, 'profile notes:read');
    const exchanged = await exchange(apiService, { subject_token: user.access_token, audience: LEDGER });
    expect(exchanged.scope).toBe('notes:read');
  });

  it('nests act along a delegation chain, and the resource-server kit exposes it', async () => {
    const user = await obtainTokens(t, web, userId, 'profile notes:read');
    const first = await exchange(apiService, { subject_token: user.access_token, resource: LEDGER });
    const second = await exchange(ledgerService, { subject_token: first.access_token, resource: MCP });
    const claims = decodeJwt<ExchangedClaims>(second.access_token).claims;
    expect(claims).toMatchObject({ sub: userId, aud: MCP, client_id: ledgerService.clientId, scope: 'notes:read' });
    expect(claims.act).toEqual({ sub: ledgerService.clientId, act: { sub: apiService.clientId } });
    const principal = await t.get(PrincipalVerifier).verify(second.access_token);
    expect(principal).toMatchObject({
      userId,
      clientId: ledgerService.clientId,
      act: { sub: ledgerService.clientId, act: { sub: apiService.clientId } },
    });
  });

  it('answers API calls for the user with the exchanged token, until the subject grant is revoked', async () => {
    const user = await obtainTokens(t, web, userId, 'profile notes:read');
    const first = await exchange(apiService, { subject_token: user.access_token, resource: API, scope: 'profile' });
    const chained = await exchange(apiService, { subject_token: first.access_token, resource: API, scope: 'profile' });
    for (const token of [first.access_token, chained.access_token]) {
      const me = await request(t.server).get('/api/me').set('Authorization', `Bearer ${token}`);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ sub: userId });
    }

    // RFC 7009 §2.1: revoking the refresh token revokes its grant, and with it every exchanged token.
    const revoked = await postForm(t, '/oauth/revoke', { token: user.refresh_token }, basicOf(web));
    expect(revoked.status).toBe(200);
    for (const token of [first.access_token, chained.access_token]) {
      expect(await introspect(t, apiService, token)).toEqual({ active: false });
      const me = await request(t.server).get('/api/me').set('Authorization', `Bearer ${token}`);
      expect(me.status).toBe(401);
      expect(me.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    }
  });

  it('revokes exchanged tokens when the user withdraws consent from the subject token’s client', async () => {
    const user = await obtainTokens(t, web, userId, 'profile notes:read');
    const exchanged = await exchange(apiService, { subject_token: user.access_token, resource: LEDGER });
    expect(await introspect(t, apiService, exchanged.access_token)).toMatchObject({ active: true });
    await t.get(ConsentService).revoke(userId, web.clientId);
    expect(await introspect(t, apiService, exchanged.access_token)).toEqual({ active: false });
  });

  it('revokes exchanged tokens when the subject token’s client is deleted', async () => {
    const doomed = await createClient(t);
    const user = await obtainTokens(t, doomed, userId, 'profile notes:read');
    const exchanged = await exchange(apiService, { subject_token: user.access_token, resource: LEDGER });
    await t.get(ClientsService).delete(doomed.clientId);
    expect(await introspect(t, apiService, exchanged.access_token)).toEqual({ active: false });
  });

  it('accepts the client’s own access token as the actor token', async () => {
    const user = await obtainTokens(t, web, userId, 'profile notes:read');
    const own = await mintAccessToken(t, { clientId: apiService.clientId, userId: null, scope: 'profile' });
    const exchanged = await exchange(apiService, {
      subject_token: user.access_token,
      actor_token: own.accessToken,
      actor_token_type: ACCESS_TOKEN_TYPE,
      resource: LEDGER,
    });
    expect(decodeJwt<ExchangedClaims>(exchanged.access_token).claims.act).toEqual({ sub: apiService.clientId });
  });

  describe('R2-20 and other refusals', () => {
    let user: { access_token: string; refresh_token: string };

    beforeAll(async () => {
      user = await obtainTokens(t, web, userId, 'profile notes:read');
    });

    it('refuses a revoked subject token with invalid_request', async () => {
      const doomed = await obtainTokens(t, web, userId, 'profile notes:read');
      await postForm(t, '/oauth/revoke', { token: doomed.access_token }, basicOf(web));
      expectOAuthError(
        await rawExchange(apiService, { subject_token: doomed.access_token, resource: LEDGER }),
        400,
        'invalid_request',
      );
    });

    it('refuses an expired subject token with invalid_request', async () => {
      const expired = await resign(t, user.access_token, { claims: { exp: Math.floor(Date.now() / 1000) - 600 } });
      expectOAuthError(
        await rawExchange(apiService, { subject_token: expired, resource: LEDGER }),
        400,
        'invalid_request',
      );
      expectOAuthError(
        await rawExchange(apiService, { subject_token: 'not.a.token', resource: LEDGER }),
        400,
        'invalid_request',
      );
    });

    it('refuses a wider scope with invalid_scope', async () => {
      expectOAuthError(
        await rawExchange(apiService, { subject_token: user.access_token, resource: API, scope: 'notes:write' }),
        400,
        'invalid_scope',
      );
      // A scope the subject token has, but the target resource does not define.
      expectOAuthError(
        await rawExchange(apiService, { subject_token: user.access_token, resource: LEDGER, scope: 'profile' }),
        400,
        'invalid_scope',
      );
    });

    it('refuses an unknown target with invalid_target', async () => {
      for (const target of <Array<Record<string, string>>>[
        { resource: 'https://unknown.example/' },
        { audience: 'https://unknown.example/' },
        { audience: 'ledger' },
      ]) {
        expectOAuthError(
          await rawExchange(apiService, { subject_token: user.access_token, ...target }),
          400,
          'invalid_target',
        );
      }
    });

    it('refuses a resource the client may not use with invalid_target', async () => {
      const narrow = await createClient(t, { grantTypes: [TOKEN_EXCHANGE], redirectUris: [], resources: [MCP] });
      await t.get(ResourcesService).setIntrospectors(API, [apiService.clientId, narrow.clientId]);
      expectOAuthError(
        await rawExchange(narrow, { subject_token: user.access_token, resource: LEDGER }),
        400,
        'invalid_target',
      );
      expect((await rawExchange(narrow, { subject_token: user.access_token, resource: MCP })).status).toBe(200);
    });

    it('refuses other token types with invalid_request', async () => {
      for (const form of <Array<Record<string, string>>>[
        { subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token', subject_token: user.refresh_token },
        { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token', subject_token: user.access_token },
        { subject_token: user.access_token, requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' },
        { subject_token: user.refresh_token },
      ]) {
        expectOAuthError(await rawExchange(apiService, { resource: LEDGER, ...form }), 400, 'invalid_request');
      }
      expectOAuthError(
        await tokenRequest(t, { grant_type: TOKEN_EXCHANGE, subject_token: user.access_token }, basicOf(apiService)),
        400,
        'invalid_request',
      );
    });

    it('refuses bad actor tokens with invalid_request', async () => {
      const others = await mintAccessToken(t, { clientId: web.clientId, userId: null, scope: 'profile' });
      for (const form of <Array<Record<string, string>>>[
        { actor_token: others.accessToken },
        { actor_token_type: ACCESS_TOKEN_TYPE },
        { actor_token: others.accessToken, actor_token_type: ACCESS_TOKEN_TYPE },
        { actor_token: user.access_token, actor_token_type: ACCESS_TOKEN_TYPE },
      ]) {
        expectOAuthError(
          await rawExchange(apiService, { subject_token: user.access_token, resource: LEDGER, ...form }),
          400,
          'invalid_request',
        );
      }
    });

    it('refuses a subject token the client may not see, and one issued for no user', async () => {
      const stranger = await createClient(t, { grantTypes: [TOKEN_EXCHANGE], redirectUris: [] });
      expectOAuthError(
        await rawExchange(stranger, { subject_token: user.access_token, resource: LEDGER }),
        400,
        'invalid_request',
      );
      const machine = await mintAccessToken(t, { clientId: apiService.clientId, userId: null, scope: 'profile' });
      expectOAuthError(
        await rawExchange(apiService, { subject_token: machine.accessToken, resource: API }),
        400,
        'invalid_request',
      );
    });

    it('refuses a client not registered for the grant with unauthorized_client', async () => {
      expectOAuthError(
        await rawExchange(web, { subject_token: user.access_token, resource: LEDGER }),
        400,
        'unauthorized_client',
      );
    });

    it('refuses a public client', async () => {
      await expect(
        createClient(t, { isPublic: true, grantTypes: [TOKEN_EXCHANGE], redirectUris: [] }),
      ).rejects.toMatchObject({ code: 'invalid_client_metadata' });
    });
  });
});
