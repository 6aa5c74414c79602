import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../../../test/utils/app';
import { activeAccessTokenClaims, createClient, createUser } from '../../../test/utils/fixtures';
import type { ClientEntity } from '../../clients/client.entity';
import { AccessTokenSigner } from '../access-token-signer.service';
import { AccessTokenStore } from '../access-token-store.service';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE, TokenExchangeGrant } from './token-exchange.grant';

describe(TokenExchangeGrant.name, () => {
  let t: TestApp;
  let grant: TokenExchangeGrant;
  let client: ClientEntity;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp();
    grant = t.get(TokenExchangeGrant);
    client = (await createClient(t, { grantTypes: [TOKEN_EXCHANGE_GRANT_TYPE], redirectUris: [] })).client;
    userId = (await createUser(t)).id;
  });

  afterAll(async () => {
    await t.close();
  });

  /** A user's token issued to `client` itself, in a grant of its own, expiring in `seconds`. */
  const subjectToken = async (seconds = 600, grantId = randomUUID()) =>
    (
      await t.get(AccessTokenSigner).issue({
        clientId: client.clientId,
        userId,
        grantId,
        scope: 'profile notes:read',
        notAfter: new Date(Date.now() + seconds * 1000),
      })
    ).accessToken;

  const exchange = (subject_token: string, extra: Record<string, string> = {}) =>
    grant.handle(client, { subject_token, subject_token_type: ACCESS_TOKEN_TYPE, ...extra });

  it('issues a token of the subject’s grant and user, with act, and no refresh token', async () => {
    const grantId = randomUUID();
    const response = await exchange(await subjectToken(600, grantId));
    expect(response).toEqual({
      access_token: expect.any(String),
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'profile notes:read',
    });
    const claims = await activeAccessTokenClaims(t, response.access_token);
    expect(claims?.act).toEqual({ sub: client.clientId });
    expect(await t.get(AccessTokenStore).findRecord(claims?.jti as string)).toMatchObject({
      grantId,
      userId,
      clientId: client.clientId,
    });
  });

  it('never outlives the subject token', async () => {
    const response = await exchange(await subjectToken(100));
    expect(response.expires_in).toBeGreaterThan(90);
    expect(response.expires_in).toBeLessThanOrEqual(100);
  });

  it('rejects a subject token about to expire with invalid_request', async () => {
    await expect(exchange(await subjectToken(1))).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('nests actors and refuses a delegation chain longer than 5 with invalid_request', async () => {
    let token = await subjectToken();
    for (let depth = 1; depth <= 5; depth += 1) {
      token = (await exchange(token)).access_token;
    }
    const claims = await activeAccessTokenClaims(t, token);
    expect(JSON.stringify(claims?.act)).toBe(JSON.stringify(nested(client.clientId, 5)));
    await expect(exchange(token)).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('narrows the scope, and rejects a wider one with invalid_scope', async () => {
    const token = await subjectToken();
    expect((await exchange(token, { scope: 'profile' })).scope).toBe('profile');
    await expect(exchange(token, { scope: 'notes:write' })).rejects.toMatchObject({ code: 'invalid_scope' });
  });

  it('is offered to confidential clients only', () => {
    expect(grant.isPublicClientAllowed).toBe(false);
    expect(grant.grantType).toBe('urn:ietf:params:oauth:grant-type:token-exchange');
  });
});

function nested(sub: string, depth: number): object {
  return depth === 1 ? { sub } : { sub, act: nested(sub, depth - 1) };
}
