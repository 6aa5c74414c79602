import { Test } from '@nestjs/testing';
import type { ClientEntity } from '../../clients/client.entity';
import { OAuthError } from '../../common/oauth/oauth.error';
import { Grant, GRANTS } from './grant.interface';
import { GrantRegistry } from './grant.registry';

function fakeGrant(grantType: Grant['grantType'], isEnabled = true): Grant {
  return {
    grantType,
    requiredParameters: [],
    isPublicClientAllowed: false,
    isEnabled,
    handle: async (_client: ClientEntity) => ({
      access_token: grantType,
      token_type: 'Bearer',
      expires_in: 1,
      scope: '',
    }),
  };
}

async function buildRegistry(grants: Grant[]): Promise<GrantRegistry> {
  const moduleRef = await Test.createTestingModule({
    providers: [GrantRegistry, { provide: GRANTS, useValue: grants }],
  }).compile();
  return moduleRef.get(GrantRegistry);
}

describe(GrantRegistry.name, () => {
  it('finds each enabled grant by its grant_type', async () => {
    const registry = await buildRegistry([fakeGrant('client_credentials'), fakeGrant('refresh_token')]);
    expect(registry.get('client_credentials').grantType).toBe('client_credentials');
    expect(registry.get('refresh_token').grantType).toBe('refresh_token');
    expect(registry.grantTypes).toEqual(['client_credentials', 'refresh_token']);
  });

  it('rejects an unknown grant_type with unsupported_grant_type', async () => {
    const registry = await buildRegistry([fakeGrant('client_credentials')]);
    for (const name of ['foo', '', '__proto__', 'constructor', 'CLIENT_CREDENTIALS']) {
      expect(() => registry.get(name)).toThrow(expect.objectContaining({ code: 'unsupported_grant_type' }));
    }
    expect(() => registry.get('foo')).toThrow(OAuthError);
  });

  it('does not offer a disabled grant', async () => {
    const registry = await buildRegistry([fakeGrant('client_credentials'), fakeGrant('password', false)]);
    expect(() => registry.get('password')).toThrow(expect.objectContaining({ code: 'unsupported_grant_type' }));
    expect(registry.grantTypes).toEqual(['client_credentials']);
  });
});
