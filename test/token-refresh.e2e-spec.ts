import { AccessTokenEntity } from '../src/tokens/access-token.entity';
import { AccessTokenSigner } from '../src/tokens/access-token-signer.service';
import { RefreshTokenEntity } from '../src/tokens/refresh-token.entity';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser, TestClient } from './utils/fixtures';
import { decodeJwt } from './utils/jwt';
import {
  basicOf,
  expectOAuthError,
  expectTokenResponse,
  introspect,
  obtainTokens,
  postForm,
  refresh,
} from './utils/oauth';

describe('POST /oauth/token (refresh_token)', () => {
  let t: TestApp;
  let c1: TestClient;
  let c4: TestClient;
  let publicClient: TestClient;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp();
    userId = (await createUser(t)).id;
    c1 = await createClient(t);
    c4 = await createClient(t);
    publicClient = await createClient(t, {
      isPublic: true,
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://c1.example/cb'],
    });
  });

  afterAll(async () => {
    await t.close();
  });

  describe('rotation', () => {
    it('RT-01 issues a new access token and a new refresh token with the original scope', async () => {
      const first = await obtainTokens(t, c1, userId);
      const res = await refresh(t, c1, first.refresh_token);
      expectTokenResponse(res, { scope: 'profile notes:read', hasRefreshToken: true });
      expect(res.body.refresh_token).not.toBe(first.refresh_token);
      expect(decodeJwt(res.body.access_token).claims).toMatchObject({ sub: userId, client_id: c1.clientId });
      expect(await introspect(t, c1, res.body.refresh_token)).toMatchObject({
        active: true,
        scope: 'profile notes:read',
      });
      // The rotated token is spent.
      expect(await introspect(t, c1, first.refresh_token)).toEqual({ active: false });
    });

    it('lets a public client refresh with its client_id', async () => {
      const first = await obtainTokens(t, publicClient, userId);
      expectTokenResponse(await refresh(t, publicClient, first.refresh_token), { hasRefreshToken: true });
    });

    it('RT-04 narrows the access token only; the new refresh token keeps the full scope', async () => {
      const first = await obtainTokens(t, c1, userId);
      const narrowed = await refresh(t, c1, first.refresh_token, { scope: 'notes:read' });
      expectTokenResponse(narrowed, { scope: 'notes:read', hasRefreshToken: true });
      expect(decodeJwt(narrowed.body.access_token).claims.scope).toBe('notes:read');
      const again = await refresh(t, c1, narrowed.body.refresh_token);
      expectTokenResponse(again, { scope: 'profile notes:read', hasRefreshToken: true });
    });

    it('RT-03 refuses a wider scope with invalid_scope and leaves the refresh token usable', async () => {
      const first = await obtainTokens(t, c1, userId);
      expectOAuthError(
        await refresh(t, c1, first.refresh_token, { scope: 'profile notes:write' }),
        400,
        'invalid_scope',
      );
      expectOAuthError(await refresh(t, c1, first.refresh_token, { scope: 'admin' }), 400, 'invalid_scope');
      expectTokenResponse(await refresh(t, c1, first.refresh_token), { hasRefreshToken: true });
    });
  });

  describe('reuse and revocation', () => {
    it('RT-07 refuses a replayed refresh token and revokes the whole family', async () => {
      const first = await obtainTokens(t, c1, userId);
      const second = await refresh(t, c1, first.refresh_token);
      expectTokenResponse(second, { hasRefreshToken: true });

      expectOAuthError(await refresh(t, c1, first.refresh_token), 400, 'invalid_grant');
      expectOAuthError(await refresh(t, c1, second.body.refresh_token), 400, 'invalid_grant');
      expect(await introspect(t, c1, second.body.access_token)).toEqual({ active: false });
      expect(await introspect(t, c1, first.access_token)).toEqual({ active: false });
    });

    it('RB-04 detects reuse after two rotations within one second', async () => {
      const first = await obtainTokens(t, c1, userId);
      const second = await refresh(t, c1, first.refresh_token);
      const third = await refresh(t, c1, second.body.refresh_token);
      expectTokenResponse(third, { hasRefreshToken: true });
      expectOAuthError(await refresh(t, c1, first.refresh_token), 400, 'invalid_grant');
      expectOAuthError(await refresh(t, c1, third.body.refresh_token), 400, 'invalid_grant');
      expect(await introspect(t, c1, third.body.access_token)).toEqual({ active: false });
    });

    it('RB-03 gives at most one success to 20 parallel refreshes, then the family is dead', async () => {
      const first = await obtainTokens(t, c1, userId);
      const results = await Promise.all(Array.from({ length: 20 }, () => refresh(t, c1, first.refresh_token)));
      const winners = results.filter((res) => res.status === 200);
      expect(winners.length).toBeLessThanOrEqual(1);
      for (const res of results) if (res.status !== 200) expectOAuthError(res, 400, 'invalid_grant');
      for (const winner of winners) {
        expectOAuthError(await refresh(t, c1, winner.body.refresh_token), 400, 'invalid_grant');
        expect(await introspect(t, c1, winner.body.access_token)).toEqual({ active: false });
      }
      expect(await introspect(t, c1, first.access_token)).toEqual({ active: false });
      const live = await t.dataSource.query(
        'SELECT COUNT(*) AS n FROM refresh_tokens WHERE used_at IS NULL AND revoked_at IS NULL AND grant_id = (SELECT grant_id FROM access_tokens WHERE jti = ?)',
        [decodeJwt(first.access_token).claims.jti],
      );
      expect(Number(live[0].n)).toBe(0);
    });

    it('RB-05 leaves no usable token when revocation races a refresh', async () => {
      const first = await obtainTokens(t, c1, userId);
      const [refreshed] = await Promise.all([
        refresh(t, c1, first.refresh_token),
        postForm(t, '/oauth/revoke', { token: first.refresh_token }, basicOf(c1)),
      ]);
      if (refreshed.status === 200) {
        expect(await introspect(t, c1, refreshed.body.access_token)).toEqual({ active: false });
        expectOAuthError(await refresh(t, c1, refreshed.body.refresh_token), 400, 'invalid_grant');
      } else {
        expectOAuthError(refreshed, 400, 'invalid_grant');
      }
      expect(await introspect(t, c1, first.access_token)).toEqual({ active: false });
    });

    it('RT-06 refuses a refresh token revoked through /oauth/revoke', async () => {
      const first = await obtainTokens(t, c1, userId);
      expect((await postForm(t, '/oauth/revoke', { token: first.refresh_token }, basicOf(c1))).status).toBe(200);
      expectOAuthError(await refresh(t, c1, first.refresh_token), 400, 'invalid_grant');
    });
  });

  describe('errors', () => {
    it("RT-02 refuses C1's refresh token presented by C4", async () => {
      const first = await obtainTokens(t, c1, userId);
      expectOAuthError(await refresh(t, c4, first.refresh_token), 400, 'invalid_grant');
      expectTokenResponse(await refresh(t, c1, first.refresh_token), { hasRefreshToken: true });
    });

    it("RT-05 refuses a refresh token past the family's absolute lifetime, even when used regularly", async () => {
      const first = await obtainTokens(t, c1, userId);
      const second = await refresh(t, c1, first.refresh_token);
      const { grantId } = await t.dataSource
        .getRepository(AccessTokenEntity)
        .findOneByOrFail({ jti: String(decodeJwt(first.access_token).claims.jti) });
      const family = t.dataSource.getRepository(RefreshTokenEntity);
      const rows = await family.findBy({ grantId: grantId as string });
      expect(rows).toHaveLength(2);
      expect(rows[0].expiresAt.getTime()).toBe(rows[1].expiresAt.getTime());
      await family.update({ grantId: grantId as string }, { expiresAt: new Date(Date.now() - 1000) });
      expectOAuthError(await refresh(t, c1, second.body.refresh_token), 400, 'invalid_grant');
    });

    it('RT-08 refuses an access token, a mutated refresh token or garbage as refresh_token', async () => {
      const first = await obtainTokens(t, c1, userId);
      const rt = first.refresh_token;
      const flipped =
        rt[0] === rt[0].toUpperCase() ? `${rt[0].toLowerCase()}${rt.slice(1)}` : `${rt[0].toUpperCase()}${rt.slice(1)}`;
      const variants = [first.access_token, `${rt} `, 'garbage', "' OR '1'='1"];
      if (flipped !== rt) variants.push(flipped);
      for (const variant of variants) expectOAuthError(await refresh(t, c1, variant), 400, 'invalid_grant');
      expectTokenResponse(await refresh(t, c1, rt), { hasRefreshToken: true });
    });

    it('RT-09 refuses a missing refresh_token with invalid_request', async () => {
      const res = await postForm(t, '/oauth/token', { grant_type: 'refresh_token' }, basicOf(c1));
      expectOAuthError(res, 400, 'invalid_request');
    });

    it('refuses a client no longer registered for refresh_token with unauthorized_client', async () => {
      const codeOnly = await createClient(t, { grantTypes: ['authorization_code'] });
      expectOAuthError(await refresh(t, codeOnly, 'x'.repeat(43)), 400, 'unauthorized_client');
    });

    it('keeps the refresh token when storing the new tokens fails', async () => {
      const first = await obtainTokens(t, c1, userId);
      const spy = jest.spyOn(t.get(AccessTokenSigner), 'issue').mockRejectedValueOnce(new Error('db gone'));
      try {
        expectOAuthError(await refresh(t, c1, first.refresh_token), 500, 'server_error');
      } finally {
        spy.mockRestore();
      }
      expectTokenResponse(await refresh(t, c1, first.refresh_token), { hasRefreshToken: true });
    });
  });
});
