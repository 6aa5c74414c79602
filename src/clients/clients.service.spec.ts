import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { sha256Hex } from '../common/crypto';
import { OAuthError } from '../common/oauth/oauth.error';
import { oauthConfig } from '../config/oauth.config';
import type { Grant } from '../tokens/grants/grant.interface';
import { GRANTS } from '../tokens/grants/grant.interface';
import { GrantRegistry } from '../tokens/grants/grant.registry';
import { ClientAuthMethod, CLIENT_AUTH_METHODS } from './auth-methods/client-auth-method';
import { ClientAuthMethodRegistry } from './auth-methods/client-auth-method.registry';
import { ClientSecretBasic } from './auth-methods/client-secret-basic';
import { ClientSecretPost } from './auth-methods/client-secret-post';
import { NoClientAuthentication } from './auth-methods/none';
import { ResourceCatalog } from '../resources/resource-catalog';
import { ClientEntity } from './client.entity';
import { GrantRevocationService } from '../tokens/grant-revocation.service';
import { AuditService } from '../audit/audit.service';
import { ClientsService } from './clients.service';

/** Token-endpoint grants as the registry sees them (their rules only; nothing here issues tokens). */
const GRANT_RULES = [
  { grantType: 'authorization_code', isPublicClientAllowed: true, usesRedirectUri: true, isEnabled: true },
  { grantType: 'client_credentials', isPublicClientAllowed: false, usesRedirectUri: false, isEnabled: true },
  { grantType: 'refresh_token', isPublicClientAllowed: true, usesRedirectUri: false, isEnabled: true },
  { grantType: 'password', isPublicClientAllowed: false, usesRedirectUri: false, isEnabled: false },
] as unknown as Grant[];
const METHOD_CLASSES = [ClientSecretBasic, ClientSecretPost, NoClientAuthentication];

describe(ClientsService.name, () => {
  let service: ClientsService;
  const inserted: ClientEntity[] = [];
  /** The rows `findById` reads, and the statements it sent. */
  const table = new Map<string, Record<string, unknown>>();
  const queries: Array<{ sql: string; parameters: string[] }> = [];

  beforeEach(async () => {
    inserted.length = 0;
    const moduleRef = await Test.createTestingModule({
      providers: [
        ClientsService,
        GrantRegistry,
        { provide: GRANTS, useValue: GRANT_RULES },
        { provide: oauthConfig.KEY, useValue: { allowImplicitGrant: false } },
        ...METHOD_CLASSES,
        { provide: CLIENT_AUTH_METHODS, useFactory: (...m: ClientAuthMethod[]) => m, inject: METHOD_CLASSES },
        ClientAuthMethodRegistry,
        { provide: GrantRevocationService, useValue: { revokeExchangedFromClient: async () => undefined } },
        {
          provide: ResourceCatalog,
          useValue: new ResourceCatalog(
            { find: async () => [] } as never,
            [{ resource: 'resourceAudience', name: 'API', scopes: { profile: 'Profile', 'notes:read': 'Read' } }],
            { resourceAudience: 'https://as.example/api' } as never,
          ),
        },
        {
          provide: getRepositoryToken(ClientEntity),
          useValue: {
            insert: async (client: ClientEntity) => void inserted.push(client),
            query: async (sql: string, parameters: string[]) => {
              queries.push({ sql, parameters });
              // Case-insensitive, as a MySQL collation may be.
              const wanted = new Set(parameters.map((id) => id.toLowerCase()));
              return [...table.values()].filter((row) => wanted.has(String(row.client_id).toLowerCase()));
            },
          },
        },
        {
          // Registration is written with its audit event, in one transaction.
          provide: AuditService,
          useValue: {
            inTransaction: async (work: (manager: unknown) => Promise<unknown>) =>
              work({ insert: async (_entity: unknown, client: ClientEntity) => void inserted.push(client) }),
          },
        },
      ],
    }).compile();
    service = moduleRef.get(ClientsService);
  });

  describe('findById', () => {
    const rowOf = (clientId: string, name: string) => ({
      client_id: clientId,
      name,
      secret_hash: null,
      redirect_uris: '[]',
      grant_types: '["client_credentials"]',
      scope: 'profile',
      token_endpoint_auth_method: 'client_secret_basic',
      is_public: 0,
      is_pkce_exempt: 0,
      resources: null,
      post_logout_redirect_uris: null,
      jwks: null,
      jwks_uri: null,
      registration_type: 'operator',
      registration_token_hash: null,
      client_metadata: null,
      last_used_at: null,
      created_at: '2026-12-01 10:00:00.000',
      updated_at: '2026-12-01 10:00:00.000',
    });

    beforeEach(() => {
      table.clear();
      queries.length = 0;
      table.set('a', rowOf('a', 'A'));
      table.set('b', rowOf('b', 'B'));
    });

    it('answers requests that ask together with one query, each with its own entity', async () => {
      const [a1, b, a2, missing] = await Promise.all(['a', 'b', 'a', 'c'].map((id) => service.findById(id)));
      expect(queries).toHaveLength(1);
      expect(queries[0].parameters).toEqual(['a', 'b', 'c']);
      expect([a1?.name, b?.name, a2?.name, missing]).toEqual(['A', 'B', 'A', null]);
      expect(a1).not.toBe(a2);
      expect(a1?.createdAt).toEqual(new Date('2026-12-01T10:00:00.000Z'));
    });

    it('caches nothing: a change is seen by the next request', async () => {
      expect((await service.findById('a'))?.name).toBe('A');
      table.set('a', rowOf('a', 'Renamed'));
      expect((await service.findById('a'))?.name).toBe('Renamed');
      table.delete('a');
      expect(await service.findById('a')).toBeNull();
      expect(queries).toHaveLength(3);
    });

    it('matches the client id exactly, whatever the collation', async () => {
      expect(await service.findById('A')).toBeNull();
    });
  });

  it('stores only the SHA-256 of a 256-bit secret', async () => {
    const { client, clientSecret } = await service.create({ name: 'A', redirectUris: ['https://a.example/cb'] });
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(inserted[0].secretHash).toBe(sha256Hex(clientSecret as string));
    expect(JSON.stringify(inserted[0])).not.toContain(clientSecret as string);
    expect(client.tokenEndpointAuthMethod).toBe('client_secret_basic');
    expect(client.grantTypes).toEqual(['authorization_code', 'refresh_token']);
  });

  it('registers a client for every scope of the catalog unless told, and refuses one it lacks', async () => {
    expect((await service.create({ name: 'A', redirectUris: ['https://a.example/cb'] })).client.scope).toBe(
      'profile notes:read',
    );
    await expect(
      service.create({ name: 'B', redirectUris: ['https://a.example/cb'], scope: 'notes:write' }),
    ).rejects.toMatchObject({ code: 'invalid_client_metadata', description: 'unknown scope: notes:write' });
  });

  it('gives public clients no secret and the auth method none', async () => {
    const { client, clientSecret } = await service.create({
      name: 'P',
      isPublic: true,
      redirectUris: ['http://127.0.0.1/cb'],
    });
    expect(clientSecret).toBeUndefined();
    expect(client.secretHash).toBeNull();
    expect(client.tokenEndpointAuthMethod).toBe('none');
  });

  it('generates client ids of unreserved characters that never start like an option', async () => {
    for (let i = 0; i < 300; i += 1) {
      const { client } = await service.create({ name: 'c', grantTypes: ['client_credentials'] });
      expect(client.clientId).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{23}$/);
    }
  });

  it.each([
    [{ name: '' }, 'invalid_client_metadata'],
    [{ name: 'x', grantTypes: ['magic'] }, 'invalid_client_metadata'],
    [{ name: 'x', isPublic: true, grantTypes: ['client_credentials'] }, 'invalid_client_metadata'],
    [{ name: 'x', isPublic: true, grantTypes: ['password'] }, 'invalid_client_metadata'],
    [{ name: 'x', tokenEndpointAuthMethod: 'private_key_jwt' }, 'invalid_client_metadata'],
    [{ name: 'x', tokenEndpointAuthMethod: 'none' }, 'invalid_client_metadata'],
    [{ name: 'x', grantTypes: ['client_credentials'], scope: 'admin' }, 'invalid_client_metadata'],
    [{ name: 'x' }, 'invalid_redirect_uri'],
    [{ name: 'x', grantTypes: ['implicit'] }, 'invalid_redirect_uri'],
    [{ name: 'x', redirectUris: ['http://a.example/cb'] }, 'invalid_redirect_uri'],
  ])('refuses %j with %s', async (input, code) => {
    await expect(service.create(input)).rejects.toMatchObject({ code });
    await expect(service.create(input)).rejects.toBeInstanceOf(OAuthError);
    expect(inserted).toHaveLength(0);
  });

  it('accepts every grant type of the registry, enabled or not, and names them when refusing another', async () => {
    const { client } = await service.create({ name: 'p', grantTypes: ['password', 'client_credentials'] });
    expect(client.grantTypes).toEqual(['password', 'client_credentials']);
    await expect(service.create({ name: 'x', grantTypes: ['magic'] })).rejects.toMatchObject({
      description:
        'grant_types must be drawn from authorization_code, client_credentials, refresh_token, password, implicit',
    });
  });
});
