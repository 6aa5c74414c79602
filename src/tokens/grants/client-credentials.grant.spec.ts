import { OAuthError } from '../../common/oauth/oauth.error';
import { createTestApp, TestApp } from '../../../test/utils/app';
import { activeAccessTokenClaims, createClient } from '../../../test/utils/fixtures';
import { AccessTokenStore } from '../access-token-store.service';
import { ClientCredentialsGrant } from './client-credentials.grant';

describe(ClientCredentialsGrant.name, () => {
  let t: TestApp;
  let grant: ClientCredentialsGrant;

  beforeAll(async () => {
    t = await createTestApp();
    grant = t.get(ClientCredentialsGrant);
  });

  afterAll(async () => {
    await t.close();
  });

  const newClient = async (scope = 'profile notes:read') =>
    (await createClient(t, { name: 'cc', grantTypes: ['client_credentials'], scope })).client;

  it('issues an access token for the client itself, with its registered scope and no refresh token', async () => {
    const client = await newClient();
    const response = await grant.handle(client, {});
    expect(response).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'profile notes:read',
    });
    const claims = await activeAccessTokenClaims(t, response.access_token);
    expect(claims).toMatchObject({ sub: client.clientId, client_id: client.clientId });
    const record = await t.get(AccessTokenStore).findRecord(claims?.jti as string);
    expect(record).toMatchObject({ grantId: null, userId: null });
  });

  it('grants a requested subset of the registered scope', async () => {
    const client = await newClient();
    expect((await grant.handle(client, { scope: 'notes:read' })).scope).toBe('notes:read');
  });

  it('rejects an unregistered scope with invalid_scope', async () => {
    const client = await newClient('profile');
    await expect(grant.handle(client, { scope: 'notes:read' })).rejects.toMatchObject({
      code: 'invalid_scope',
    });
  });

  it('rejects a public client with unauthorized_client', async () => {
    const client = { ...(await newClient()), isPublic: true };
    const attempt = grant.handle(client, {});
    await expect(attempt).rejects.toBeInstanceOf(OAuthError);
    await expect(attempt).rejects.toMatchObject({ code: 'unauthorized_client' });
  });

  it('is offered to confidential clients only', () => {
    expect(grant.isPublicClientAllowed).toBe(false);
  });
});
