import { ClientEntity } from '../../clients/client.entity';
import { createTestApp, TestApp } from '../../../test/utils/app';
import { activeAccessTokenClaims, createClient, createUser } from '../../../test/utils/fixtures';
import { ResourceCatalog } from '../../resources/resource-catalog';
import { RefreshTokensService } from '../refresh-tokens.service';
import { TransactionsService } from '../../database/transactions.service';
import { RefreshTokenGrant } from './refresh-token.grant';

describe(RefreshTokenGrant.name, () => {
  let t: TestApp;
  let grant: RefreshTokenGrant;
  let client: ClientEntity;
  let other: ClientEntity;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp();
    grant = t.get(RefreshTokenGrant);
    const input = { name: 'rt', redirectUris: ['https://c1.example/cb'], scope: 'profile notes:read' };
    client = (await createClient(t, input)).client;
    other = (await createClient(t, input)).client;
    userId = (await createUser(t, { username: 'dana' })).id;
  });

  afterAll(async () => {
    await t.close();
  });

  const newRefreshToken = (grantId = crypto.randomUUID()) =>
    t.get(TransactionsService).transaction((manager) =>
      t.get(RefreshTokensService).create(manager, {
        grantId,
        clientId: client.clientId,
        userId,
        scope: 'profile notes:read',
        resources: [t.get(ResourceCatalog).defaultResource],
      }),
    );

  it('rotates: a new access token and a new refresh token; the old one is spent', async () => {
    const token = await newRefreshToken();
    const response = await grant.handle(client, { refresh_token: token });
    expect(response).toMatchObject({
      token_type: 'Bearer',
      scope: 'profile notes:read',
      refresh_token: expect.any(String),
    });
    expect(response.refresh_token).not.toBe(token);
    expect(await t.get(RefreshTokensService).findActive(token)).toBeNull();
    expect(await t.get(RefreshTokensService).findActive(response.refresh_token as string)).not.toBeNull();
  });

  it('narrows the access token only', async () => {
    const token = await newRefreshToken();
    const response = await grant.handle(client, { refresh_token: token, scope: 'profile' });
    expect(response.scope).toBe('profile');
    const next = await t.get(RefreshTokensService).findActive(response.refresh_token as string);
    expect(next?.scope).toBe('profile notes:read');
  });

  it('rejects a wider scope with invalid_scope and keeps the token usable', async () => {
    const token = await newRefreshToken();
    await expect(grant.handle(client, { refresh_token: token, scope: 'notes:write' })).rejects.toMatchObject({
      code: 'invalid_scope',
    });
    expect(await t.get(RefreshTokensService).findActive(token)).not.toBeNull();
  });

  it('rejects a reused token with invalid_grant and revokes the family', async () => {
    const token = await newRefreshToken();
    const first = await grant.handle(client, { refresh_token: token });
    await expect(grant.handle(client, { refresh_token: token })).rejects.toMatchObject({
      code: 'invalid_grant',
    });
    expect(await t.get(RefreshTokensService).findActive(first.refresh_token as string)).toBeNull();
    expect(await activeAccessTokenClaims(t, first.access_token)).toBeNull();
  });

  it("rejects another client's token with invalid_grant, without spending it", async () => {
    const token = await newRefreshToken();
    await expect(grant.handle(other, { refresh_token: token })).rejects.toMatchObject({
      code: 'invalid_grant',
    });
    expect(await t.get(RefreshTokensService).findActive(token)).not.toBeNull();
  });

  it('rejects an unknown token with invalid_grant', async () => {
    await expect(grant.handle(client, { refresh_token: 'unknown' })).rejects.toMatchObject({
      code: 'invalid_grant',
    });
  });
});
