import { Test } from '@nestjs/testing';
import type { ClientEntity } from '../../clients/client.entity';
import { OAuthError } from '../../common/oauth/oauth.error';
import { oauthConfig } from '../../config/oauth.config';
import { Grant, GRANTS } from './grant.interface';
import { GrantRegistry } from './grant.registry';

class NoParametersDto {}

function fakeGrant(grantType: string, isEnabled = true): Grant {
  return {
    grantType,
    parameters: NoParametersDto,
    isPublicClientAllowed: false,
    usesRedirectUri: false,
    isEnabled,
    handle: async (_client: ClientEntity) => ({
      access_token: grantType,
      token_type: 'Bearer',
      expires_in: 1,
      scope: '',
    }),
  };
}

async function buildRegistry(grants: Grant[], allowImplicitGrant = false): Promise<GrantRegistry> {
  const moduleRef = await Test.createTestingModule({
    providers: [
      GrantRegistry,
      { provide: GRANTS, useValue: grants },
      { provide: oauthConfig.KEY, useValue: { allowImplicitGrant } },
    ],
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
    for (const name of ['foo', '', '__proto__', 'constructor', 'CLIENT_CREDENTIALS', 'implicit']) {
      expect(() => registry.get(name)).toThrow(expect.objectContaining({ code: 'unsupported_grant_type' }));
    }
    expect(() => registry.get('foo')).toThrow(OAuthError);
  });

  it('does not offer a disabled grant, but clients may still be registered for it', async () => {
    const registry = await buildRegistry([fakeGrant('client_credentials'), fakeGrant('password', false)]);
    expect(() => registry.get('password')).toThrow(expect.objectContaining({ code: 'unsupported_grant_type' }));
    expect(registry.grantTypes).toEqual(['client_credentials']);
    expect(registry.registrableGrantTypes).toEqual(['client_credentials', 'password', 'implicit']);
    expect(registry.describe('password')).toMatchObject({ isEnabled: false, isPublicClientAllowed: false });
    expect(registry.describe('magic')).toBeUndefined();
  });

  it('lists the implicit grant, served by the authorization endpoint, only when the operator enabled it', async () => {
    const registry = await buildRegistry([fakeGrant('authorization_code')], true);
    expect(registry.grantTypes).toEqual(['authorization_code', 'implicit']);
    expect(registry.describe('implicit')).toMatchObject({ usesRedirectUri: true, isPublicClientAllowed: true });
    expect(() => registry.get('implicit')).toThrow(expect.objectContaining({ code: 'unsupported_grant_type' }));
  });
});
