import { resolveResourceIndicators } from '../resources/resource-indicators';
import { ClientEntity } from '../clients/client.entity';
import { checkAuthorizationRequest, ValidationContext } from './authorization-request.validation';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function client(overrides: Partial<ClientEntity> = {}): ClientEntity {
  return Object.assign(new ClientEntity(), {
    clientId: 'c1',
    name: 'C1',
    redirectUris: ['https://c1.example/cb'],
    grantTypes: ['authorization_code', 'refresh_token'],
    scope: 'profile notes:read',
    isPublic: false,
    isPkceExempt: false,
    resources: null,
    ...overrides,
  });
}

const API = 'https://as.example/api';
const USERINFO = 'https://as.example/oauth/userinfo';
const RESOURCES = [API, 'https://reports.example/', USERINFO];

function context(
  found: ClientEntity | null = client(),
  isImplicitGrantEnabled = false,
  knownScopes = ['profile', 'notes:read', 'notes:write'],
): ValidationContext {
  return {
    findClient: async (id) => (found && id === found.clientId ? found : null),
    isImplicitGrantEnabled,
    resolveResources: (found, requested) =>
      resolveResourceIndicators(
        {
          defaultResource: API,
          serverResource: USERINFO,
          find: async (identifier) => (RESOURCES.includes(identifier) ? ({} as never) : undefined),
        },
        found,
        requested,
      ),
    scopesOf: (resources) => [
      ...(resources.includes(API) ? knownScopes : ['reports:read']),
      ...(resources.includes(USERINFO) ? ['openid', 'profile', 'email'] : []),
    ],
    withServerResource: (resources, scopes) =>
      scopes.some((scope) => scope === 'openid' || scope === 'email') && !resources.includes(USERINFO)
        ? [...resources, USERINFO]
        : [...resources],
  };
}

const valid = {
  response_type: 'code',
  client_id: 'c1',
  redirect_uri: 'https://c1.example/cb',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
};

describe(checkAuthorizationRequest.name, () => {
  it('accepts a valid request and defaults the scope to the registered one', async () => {
    const result = await checkAuthorizationRequest(valid, context());
    expect(result).toMatchObject({
      kind: 'valid',
      request: {
        responseType: 'code',
        redirectUri: 'https://c1.example/cb',
        requestedRedirectUri: 'https://c1.example/cb',
        scopes: ['profile', 'notes:read'],
        codeChallenge: CHALLENGE,
        codeChallengeMethod: 'S256',
        state: null,
        responseMode: 'query',
      },
    });
  });

  it('checks client and redirect URI before anything else: a page, not a redirect', async () => {
    const result = await checkAuthorizationRequest(
      { client_id: 'c1', redirect_uri: 'https://evil.example/' },
      context(),
    );
    expect(result).toMatchObject({ kind: 'page', error: 'invalid_request' });
    expect(await checkAuthorizationRequest({ ...valid, client_id: 'other' }, context())).toMatchObject({
      kind: 'page',
      error: 'invalid_client',
    });
  });

  it('treats a non-string parameter as repeated', async () => {
    expect(await checkAuthorizationRequest({ ...valid, client_id: ['c1', 'c1'] }, context())).toMatchObject({
      kind: 'page',
    });
    expect(await checkAuthorizationRequest({ ...valid, state: { $ne: 1 } }, context())).toMatchObject({
      kind: 'redirect-error',
      error: 'invalid_request',
      target: { state: null },
    });
  });

  it('refuses a registered scope that no protected API declares any more with invalid_scope', async () => {
    const result = await checkAuthorizationRequest(
      { ...valid, scope: 'notes:read' },
      context(client(), false, ['profile']),
    );
    expect(result).toMatchObject({ kind: 'redirect-error', error: 'invalid_scope' });
  });

  it('refuses response_type=token while the implicit grant is off, and answers in the fragment', async () => {
    const result = await checkAuthorizationRequest({ ...valid, response_type: 'token' }, context());
    expect(result).toMatchObject({
      kind: 'redirect-error',
      error: 'unsupported_response_type',
      target: { responseMode: 'fragment' },
    });
  });

  it('accepts response_type=token for a registered client once enabled, without PKCE', async () => {
    const implicit = client({ grantTypes: ['implicit'] });
    const result = await checkAuthorizationRequest(
      { response_type: 'token', client_id: 'c1', state: 's' },
      context(implicit, true),
    );
    expect(result).toMatchObject({ kind: 'valid', request: { responseType: 'token', codeChallenge: null } });
  });

  it('excuses only an exempted client from PKCE', async () => {
    const withoutPkce = { response_type: 'code', client_id: 'c1' };
    expect(await checkAuthorizationRequest(withoutPkce, context())).toMatchObject({ error: 'invalid_request' });
    expect(await checkAuthorizationRequest(withoutPkce, context(client({ isPkceExempt: true })))).toMatchObject({
      kind: 'valid',
      request: { codeChallenge: null, codeChallengeMethod: null },
    });
  });
  it('lets the server’s own scopes go with any resource by adding the UserInfo resource (PRODUCT.md)', async () => {
    const oidc = client({ scope: 'openid profile email notes:read' });
    const asked = await checkAuthorizationRequest({ ...valid, scope: 'openid email' }, context(oidc));
    expect(asked).toMatchObject({
      kind: 'valid',
      request: { scopes: ['openid', 'email'], resources: [API, USERINFO] },
    });
    const defaulted = await checkAuthorizationRequest(valid, context(oidc));
    expect(defaulted).toMatchObject({
      kind: 'valid',
      request: { scopes: ['openid', 'profile', 'email', 'notes:read'], resources: [API, USERINFO] },
    });
    const oauthOnly = await checkAuthorizationRequest({ ...valid, scope: 'profile' }, context(oidc));
    expect(oauthOnly).toMatchObject({ kind: 'valid', request: { resources: [API] } });
    const unregistered = await checkAuthorizationRequest({ ...valid, scope: 'openid' }, context());
    expect(unregistered).toMatchObject({ kind: 'redirect-error', error: 'invalid_scope' });
  });

  it('reads nonce, max_age and login_hint (OpenID Connect Core §3.1.2.1)', async () => {
    const result = await checkAuthorizationRequest(
      { ...valid, nonce: 'n-0S6', max_age: '0', login_hint: 'alice' },
      context(),
    );
    expect(result).toMatchObject({ kind: 'valid', request: { nonce: 'n-0S6', maxAge: 0, loginHint: 'alice' } });
    for (const maxAge of ['-1', '1.5', 'soon', '9999999999']) {
      expect(await checkAuthorizationRequest({ ...valid, max_age: maxAge }, context())).toMatchObject({
        kind: 'redirect-error',
        error: 'invalid_request',
      });
    }
    expect(await checkAuthorizationRequest({ ...valid, nonce: 'n'.repeat(513) }, context())).toMatchObject({
      kind: 'redirect-error',
      error: 'invalid_request',
    });
  });
});
