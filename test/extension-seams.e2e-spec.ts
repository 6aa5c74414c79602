import { Injectable } from '@nestjs/common';
import request from 'supertest';
import { AUTH_METHOD_CLASSES } from '../src/clients/clients.module';
import type { ClientEntity } from '../src/clients/client.entity';
import type {
  ClientAuthenticationRequest,
  ClientAuthMethod,
  PresentedClient,
} from '../src/clients/auth-methods/client-auth-method';
import { CLIENT_AUTH_METHODS } from '../src/clients/auth-methods/client-auth-method';
import { isClientSecret } from '../src/clients/auth-methods/client-secret';
import { OptionalParameter, RepeatableParameter, RequiredParameter } from '../src/common/oauth/parameter.decorators';
import { MAX_RESOURCE_IDENTIFIER_LENGTH } from '../src/resources/resource-identifier';
import { MAX_RESOURCES_PER_REQUEST } from '../src/resources/resource-indicators';
import { readParameter } from '../src/common/oauth/parameters';
import { TokenResponseDto } from '../src/tokens/dto/token-response.dto';
import type { Grant } from '../src/tokens/grants/grant.interface';
import { GRANTS } from '../src/tokens/grants/grant.interface';
import { RequestedResources } from '../src/tokens/grants/requested-resources';
import { TokenIssuer } from '../src/tokens/token-issuer.service';
import { GRANT_CLASSES } from '../src/tokens/tokens.module';
import { createTestApp, TestApp } from './utils/app';
import { createClient } from './utils/fixtures';
import { basicOf, expectOAuthError, expectTokenResponse, postForm, tokenRequest } from './utils/oauth';

const GRANT_TYPE = 'urn:example:params:oauth:grant-type:ticket';

/** The README's "Add a grant" recipe: one class that declares its parameters and answers. */
class TicketParametersDto {
  @RequiredParameter(64)
  ticket: string;

  @OptionalParameter(1000)
  scope?: string;

  @RepeatableParameter(MAX_RESOURCES_PER_REQUEST, MAX_RESOURCE_IDENTIFIER_LENGTH)
  resource?: string[];
}

@Injectable()
class TicketGrant implements Grant<TicketParametersDto> {
  readonly grantType = GRANT_TYPE;
  readonly parameters = TicketParametersDto;
  readonly isPublicClientAllowed = false;
  readonly usesRedirectUri = false;
  readonly isEnabled = true;

  constructor(
    private readonly issuer: TokenIssuer,
    private readonly resources: RequestedResources,
  ) {}

  async handle(client: ClientEntity, parameters: TicketParametersDto): Promise<TokenResponseDto> {
    const resources = await this.resources.resolve(client, parameters.resource);
    const scope = this.resources.scopeFor(resources, client.scope, parameters.scope);
    return this.issuer.issueClientAccessToken(client.clientId, scope, resources);
  }
}

/** The README's "Add a client-authentication method" recipe: one class that reads and verifies. */
@Injectable()
class ClientPin implements ClientAuthMethod {
  readonly name = 'client_pin';
  readonly parameters = ['client_id', 'client_pin'];
  readonly isCredential = true;
  readonly usesClientSecret = true;

  read({ parameters }: ClientAuthenticationRequest): PresentedClient | undefined {
    const pin = readParameter(parameters, 'client_pin', 100);
    return pin === undefined
      ? undefined
      : { clientId: readParameter(parameters, 'client_id', 200) ?? '', credential: pin };
  }

  async verify(client: ClientEntity, presented: PresentedClient): Promise<boolean> {
    return isClientSecret(client, presented.credential);
  }
}

describe('extension seams: a grant and a client-authentication method plugged in from outside', () => {
  let t: TestApp;

  beforeAll(async () => {
    // What the registration lines in tokens.module.ts and clients.module.ts do, done from a test.
    t = await createTestApp({
      override: (builder) =>
        builder
          .overrideProvider(GRANTS)
          .useFactory({
            factory: (issuer: TokenIssuer, resources: RequestedResources, ...grants: Grant[]) => [
              ...grants,
              new TicketGrant(issuer, resources),
            ],
            inject: [TokenIssuer, RequestedResources, ...GRANT_CLASSES],
          })
          .overrideProvider(CLIENT_AUTH_METHODS)
          .useFactory({
            factory: (...methods: ClientAuthMethod[]) => [...methods, new ClientPin()],
            inject: AUTH_METHOD_CLASSES,
          }),
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('lists both in the RFC 8414 metadata', async () => {
    const res = await fetchMetadata(t);
    expect(res.grant_types_supported).toContain(GRANT_TYPE);
    expect(res.token_endpoint_auth_methods_supported).toContain('client_pin');
    expect(res.introspection_endpoint_auth_methods_supported).toContain('client_pin');
  });

  it('registers clients for them, and refuses what the registries do not know', async () => {
    const client = await createClient(t, {
      grantTypes: [GRANT_TYPE],
      redirectUris: [],
      tokenEndpointAuthMethod: 'client_pin',
    });
    expect(client.clientSecret).toMatch(/^[\w-]{43}$/);
    await expect(createClient(t, { grantTypes: ['urn:example:unknown'] })).rejects.toMatchObject({
      code: 'invalid_client_metadata',
    });
  });

  it('validates the grant’s own parameters, ignores the rest, and answers with a token', async () => {
    const client = await createClient(t, { grantTypes: [GRANT_TYPE], redirectUris: [], scope: 'profile' });
    expectOAuthError(await tokenRequest(t, { grant_type: GRANT_TYPE }, basicOf(client)), 400, 'invalid_request');
    const missing = await tokenRequest(t, { grant_type: GRANT_TYPE }, basicOf(client));
    expect(missing.body.error_description).toBe('ticket is required');
    const repeated = await tokenRequest(t, { grant_type: GRANT_TYPE, ticket: ['a', 'b'] }, basicOf(client));
    expectOAuthError(repeated, 400, 'invalid_request');
    const bracketed = await tokenRequest(t, { grant_type: GRANT_TYPE, 'ticket[x]': 'a' }, basicOf(client));
    expectOAuthError(bracketed, 400, 'invalid_request');
    const tooLong = await tokenRequest(t, { grant_type: GRANT_TYPE, ticket: 'x'.repeat(65) }, basicOf(client));
    expectOAuthError(tooLong, 400, 'invalid_request');
    // RFC 6749 §3.2: parameters the grant does not read are ignored, even other grants' ones.
    const ok = await tokenRequest(t, { grant_type: GRANT_TYPE, ticket: 't', code: 'x', extra: 'y' }, basicOf(client));
    expectTokenResponse(ok, { scope: 'profile', hasRefreshToken: false });
  });

  it('authenticates clients with the new method at the token and introspection endpoints', async () => {
    const client = await createClient(t, {
      grantTypes: [GRANT_TYPE],
      redirectUris: [],
      tokenEndpointAuthMethod: 'client_pin',
    });
    const pin = client.clientSecret as string;
    const form = { grant_type: GRANT_TYPE, ticket: 't', client_id: client.clientId };
    const ok = await tokenRequest(t, { ...form, client_pin: pin });
    expectTokenResponse(ok, { hasRefreshToken: false });
    expectOAuthError(await tokenRequest(t, { ...form, client_pin: 'wrong' }), 401, 'invalid_client');
    // RFC 6749 §2.3: one method per request.
    const twice = await tokenRequest(t, { ...form, client_pin: pin, client_secret: pin });
    expectOAuthError(twice, 400, 'invalid_request');
    // A client must use the method it was registered with.
    expectOAuthError(await tokenRequest(t, { ...form, client_secret: pin }), 401, 'invalid_client');
    const introspection = await postForm(t, '/oauth/introspect', {
      token: ok.body.access_token as string,
      client_id: client.clientId,
      client_pin: pin,
    });
    expect(introspection.body).toMatchObject({ active: true, client_id: client.clientId });
  });
});

async function fetchMetadata(t: TestApp): Promise<Record<string, string[]>> {
  const res = await request(t.server).get('/.well-known/oauth-authorization-server').expect(200);
  return res.body as Record<string, string[]>;
}
