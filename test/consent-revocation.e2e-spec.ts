import { GrantRevocationService } from '../src/tokens/grant-revocation.service';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createCode, createUser } from './utils/fixtures';
import { basicOf, expectOAuthError, tokenRequest } from './utils/oauth';

describe('withdrawing consent', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('also kills a code issued but not yet redeemed', async () => {
    const client = await createClient(t);
    const user = await createUser(t);
    const pending = await createCode(t, { clientId: client.clientId, userId: user.id });
    const otherUser = await createUser(t);
    const unaffected = await createCode(t, { clientId: client.clientId, userId: otherUser.id });

    await t.get(GrantRevocationService).revokeForUserAndClient(user.id, client.clientId);

    const form = (code: { code: string; verifier: string }) => ({
      grant_type: 'authorization_code',
      code: code.code,
      code_verifier: code.verifier,
      redirect_uri: 'https://c1.example/cb',
    });
    expectOAuthError(await tokenRequest(t, form(pending), basicOf(client)), 400, 'invalid_grant');
    expect((await tokenRequest(t, form(unaffected), basicOf(client))).status).toBe(200);
  });
});
