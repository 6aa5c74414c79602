import * as oauth from 'oauth4webapi';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createCode, createUser, TestClient } from './utils/fixtures';

const ISSUER = 'http://localhost:3000';

/** A strict third-party client (oauth4webapi) against the app on an ephemeral port. */
describe('oauth4webapi as a client', () => {
  let t: TestApp;
  let as: oauth.AuthorizationServer;
  let c1: TestClient;
  let rs1: TestClient;
  let userId: string;
  let options: { [oauth.allowInsecureRequests]: boolean; [oauth.customFetch]: typeof fetch };

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address() as { port: number };
    const origin = `http://127.0.0.1:${address.port}`;
    options = {
      // The issuer is http on a loopback host (allowed by RFC 8414 §2 here), so opt in to http.
      [oauth.allowInsecureRequests]: true,
      // Every URL the metadata announces is under the configured issuer; route it to the ephemeral port.
      [oauth.customFetch]: (url, init) => fetch(String(url).replace(ISSUER, origin), init),
    };
    as = await oauth.processDiscoveryResponse(
      new URL(ISSUER),
      await oauth.discoveryRequest(new URL(ISSUER), { ...options, algorithm: 'oauth2' }),
    );
    c1 = await createClient(t);
    rs1 = await createClient(t, { grantTypes: ['client_credentials'] });
    userId = (await createUser(t)).id;
  });

  afterAll(async () => {
    await t.close();
  });

  const clientOf = (client: TestClient): oauth.Client => ({ client_id: client.clientId });
  const authOf = (client: TestClient) => oauth.ClientSecretBasic(client.clientSecret as string);

  it('reads the metadata', () => {
    expect(as.issuer).toBe(ISSUER);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('runs client_credentials, introspection and revocation', async () => {
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      clientOf(rs1),
      await oauth.clientCredentialsGrantRequest(as, clientOf(rs1), authOf(rs1), { scope: 'profile' }, options),
    );
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'profile', expires_in: 600 });
    expect(tokens.refresh_token).toBeUndefined();

    const introspected = await oauth.processIntrospectionResponse(
      as,
      clientOf(rs1),
      await oauth.introspectionRequest(as, clientOf(rs1), authOf(rs1), tokens.access_token, options),
    );
    expect(introspected).toMatchObject({ active: true, client_id: rs1.clientId, sub: rs1.clientId });

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, clientOf(rs1), authOf(rs1), tokens.access_token, options),
    );
    const after = await oauth.processIntrospectionResponse(
      as,
      clientOf(rs1),
      await oauth.introspectionRequest(as, clientOf(rs1), authOf(rs1), tokens.access_token, options),
    );
    expect(after).toEqual({ active: false });
  });

  it('exchanges a code with PKCE, refreshes, and sees a revoked refresh token refused', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const challenge = await oauth.calculatePKCECodeChallenge(verifier);
    const redirectUri = 'https://c1.example/cb';
    const code = (await createCode(t, { clientId: c1.clientId, userId, redirectUri, codeChallenge: challenge })).code;
    const callback = oauth.validateAuthResponse(
      as,
      clientOf(c1),
      new URL(`${redirectUri}?code=${code}&iss=${encodeURIComponent(ISSUER)}`),
      oauth.expectNoState,
    );
    const first = await oauth.processAuthorizationCodeResponse(
      as,
      clientOf(c1),
      await oauth.authorizationCodeGrantRequest(as, clientOf(c1), authOf(c1), callback, redirectUri, verifier, options),
    );
    expect(first).toMatchObject({ token_type: 'bearer', scope: 'profile notes:read' });
    expect(first.refresh_token).toEqual(expect.any(String));

    const second = await oauth.processRefreshTokenResponse(
      as,
      clientOf(c1),
      await oauth.refreshTokenGrantRequest(as, clientOf(c1), authOf(c1), first.refresh_token as string, options),
    );
    expect(second.refresh_token).not.toBe(first.refresh_token);

    const introspected = await oauth.processIntrospectionResponse(
      as,
      clientOf(c1),
      await oauth.introspectionRequest(as, clientOf(c1), authOf(c1), second.refresh_token as string, {
        ...options,
        additionalParameters: { token_type_hint: 'refresh_token' },
      }),
    );
    expect(introspected).toMatchObject({ active: true, client_id: c1.clientId, sub: userId });

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, clientOf(c1), authOf(c1), second.refresh_token as string, options),
    );
    const refused = oauth.processRefreshTokenResponse(
      as,
      clientOf(c1),
      await oauth.refreshTokenGrantRequest(as, clientOf(c1), authOf(c1), second.refresh_token as string, options),
    );
    await expect(refused).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
  });

  it('surfaces a wrong secret as invalid_client with a Basic challenge', async () => {
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      clientOf(rs1),
      oauth.ClientSecretBasic('wrong'),
      {},
      options,
    );
    const error = await oauth.processClientCredentialsResponse(as, clientOf(rs1), response).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect(error).toMatchObject({ status: 401 });
    expect((error as oauth.WWWAuthenticateChallengeError).cause[0]).toMatchObject({
      scheme: 'basic',
      parameters: { realm: 'tollgate' },
    });
  });
});
