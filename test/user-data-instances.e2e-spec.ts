import request from 'supertest';
import { ClientsService } from '../src/clients/clients.service';
import { AccessTokenStore } from '../src/tokens/access-token-store.service';
import { createTestApp, TestApp } from './utils/app';
import { createSharedTestDatabase, TestDatabase } from './utils/database';
import { createClient, createUser, mintAccessToken, TestUser } from './utils/fixtures';

describe('revocation across instances sharing one database', () => {
  let database: TestDatabase;
  let serving: TestApp;
  let revoking: TestApp;
  let clientId: string;
  let user: TestUser;

  beforeAll(async () => {
    database = await createSharedTestDatabase();
    serving = await createTestApp({ database });
    revoking = await createTestApp({ database });
    clientId = (await createClient(serving)).clientId;
    user = await createUser(serving);
  });

  afterAll(async () => {
    await serving?.close();
    await revoking?.close();
    await database?.drop();
  });

  const me = (token: string) => request(serving.server).get('/api/me').set('Authorization', `Bearer ${token}`);

  it('refuses a token on the very next request after another instance revokes it', async () => {
    const { accessToken, jti } = await mintAccessToken(serving, { clientId, userId: user.id, scope: 'profile' });
    expect((await me(accessToken)).status).toBe(200);
    expect((await me(accessToken)).status).toBe(200);

    await revoking.get(AccessTokenStore).revoke(jti);

    const res = await me(accessToken);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('refuses a token on the very next request after another instance deletes its client', async () => {
    const doomed = (await createClient(revoking, { name: 'Doomed elsewhere' })).clientId;
    const { accessToken } = await mintAccessToken(serving, { clientId: doomed, userId: user.id, scope: 'profile' });
    expect((await me(accessToken)).status).toBe(200);

    await revoking.get(ClientsService).delete(doomed);

    expect((await me(accessToken)).status).toBe(401);
  });
});
