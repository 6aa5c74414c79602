import { createHash } from 'node:crypto';
import { AccessTokenSigner } from '../src/tokens/access-token-signer.service';
import type { NewAuthorizationCode } from '../src/tokens/authorization-codes.service';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createCode, createUser, TestClient } from './utils/fixtures';
import { decodeJwt } from './utils/jwt';
import { basicOf, expectOAuthError, expectTokenResponse, introspect, tokenRequest } from './utils/oauth';

const REDIRECT = 'https://c1.example/cb';

describe('POST /oauth/token (authorization_code)', () => {
  let t: TestApp;
  let c1: TestClient;
  let c4: TestClient;
  let c2: TestClient;
  let c2b: TestClient;
  let exempt: TestClient;
  let userId: string;

  const exchange = (client: TestClient, form: Record<string, string>) =>
    client.clientSecret
      ? tokenRequest(t, { grant_type: 'authorization_code', ...form }, basicOf(client))
      : tokenRequest(t, { grant_type: 'authorization_code', client_id: client.clientId, ...form });

  const codeFor = (client: TestClient, extra: Partial<NewAuthorizationCode> = {}) =>
    createCode(t, { clientId: client.clientId, userId, ...extra });

  beforeAll(async () => {
    t = await createTestApp();
    userId = (await createUser(t)).id;
    c1 = await createClient(t, { redirectUris: [REDIRECT, 'https://c1.example/other'] });
    c4 = await createClient(t, { redirectUris: [REDIRECT] });
    const native = {
      isPublic: true,
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['http://127.0.0.1/cb'],
    };
    c2 = await createClient(t, native);
    c2b = await createClient(t, native);
    exempt = await createClient(t, { isPkceExempt: true });
  });

  afterAll(async () => {
    await t.close();
  });

  describe('success', () => {
    it('TK-01 exchanges a code and verifier for an access and a refresh token', async () => {
      const { code, verifier } = await codeFor(c1);
      const res = await exchange(c1, { code, code_verifier: verifier, redirect_uri: REDIRECT });
      expectTokenResponse(res, { scope: 'profile notes:read', hasRefreshToken: true });
      const { claims } = decodeJwt(res.body.access_token);
      expect(claims).toMatchObject({ sub: userId, client_id: c1.clientId, scope: 'profile notes:read' });
    });

    it('lets a public client redeem with client_id and PKCE (auth method none)', async () => {
      const { code, verifier } = await codeFor(c2, { redirectUri: 'http://127.0.0.1:49152/cb' });
      const res = await exchange(c2, { code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:49152/cb' });
      expectTokenResponse(res, { hasRefreshToken: true });
    });

    it('accepts an omitted redirect_uri when the authorization request omitted it', async () => {
      const { code, verifier } = await codeFor(c1, { redirectUri: null });
      expectTokenResponse(await exchange(c1, { code, code_verifier: verifier }), { hasRefreshToken: true });
    });

    it('issues no refresh token to a client not registered for refresh_token', async () => {
      const codeOnly = await createClient(t, { grantTypes: ['authorization_code'] });
      const { code, verifier } = await codeFor(codeOnly);
      const res = await exchange(codeOnly, { code, code_verifier: verifier, redirect_uri: REDIRECT });
      expectTokenResponse(res, { hasRefreshToken: false });
    });

    it('lets an operator-exempted confidential client redeem a code without PKCE', async () => {
      const { code } = await codeFor(exempt, { codeChallenge: null, codeChallengeMethod: null });
      expectTokenResponse(await exchange(exempt, { code, redirect_uri: REDIRECT }), { hasRefreshToken: true });
    });
  });

  describe('single use', () => {
    it('TK-02 refuses a second redemption and revokes what the first one issued', async () => {
      const { code, verifier } = await codeFor(c1);
      const first = await exchange(c1, { code, code_verifier: verifier, redirect_uri: REDIRECT });
      expectTokenResponse(first, { hasRefreshToken: true });
      expect(await introspect(t, c1, first.body.access_token)).toMatchObject({ active: true });

      expectOAuthError(
        await exchange(c1, { code, code_verifier: verifier, redirect_uri: REDIRECT }),
        400,
        'invalid_grant',
      );
      expect(await introspect(t, c1, first.body.access_token)).toEqual({ active: false });
      expect(await introspect(t, c1, first.body.refresh_token)).toEqual({ active: false });
      const refresh = await tokenRequest(
        t,
        { grant_type: 'refresh_token', refresh_token: first.body.refresh_token },
        basicOf(c1),
      );
      expectOAuthError(refresh, 400, 'invalid_grant');
    });

    it('TK-13 burns the code on a failed verifier: the right one is refused afterwards', async () => {
      const { code, verifier } = await codeFor(c1);
      const wrong = createHash('sha256').update('x').digest('base64url');
      expectOAuthError(
        await exchange(c1, { code, code_verifier: wrong, redirect_uri: REDIRECT }),
        400,
        'invalid_grant',
      );
      expectOAuthError(
        await exchange(c1, { code, code_verifier: verifier, redirect_uri: REDIRECT }),
        400,
        'invalid_grant',
      );
    });

    it("RB-01 gives exactly one success to 50 parallel redemptions, then the winner's tokens are dead", async () => {
      const { code, verifier } = await codeFor(c1);
      const results = await Promise.all(
        Array.from({ length: 50 }, () => exchange(c1, { code, code_verifier: verifier, redirect_uri: REDIRECT })),
      );
      const winners = results.filter((res) => res.status === 200);
      expect(winners).toHaveLength(1);
      for (const res of results) if (res.status !== 200) expectOAuthError(res, 400, 'invalid_grant');
      expect(await introspect(t, c1, winners[0].body.access_token)).toEqual({ active: false });
      const rows = await t.dataSource.query(
        'SELECT COUNT(*) AS n FROM access_tokens WHERE client_id = ? AND user_id = ?',
        [c1.clientId, userId],
      );
      expect(Number(rows[0].n)).toBeGreaterThan(0);
    });

    it('RB-07 leaves the code redeemable when storing the tokens fails', async () => {
      const { code, verifier } = await codeFor(c1);
      const spy = jest
        .spyOn(t.get(AccessTokenSigner), 'issue')
        .mockRejectedValueOnce(new Error('injected failure while storing the access token'));
      try {
        const failed = await exchange(c1, { code, code_verifier: verifier, redirect_uri: REDIRECT });
        expectOAuthError(failed, 500, 'server_error');
        expect(JSON.stringify(failed.body)).not.toContain('injected');
      } finally {
        spy.mockRestore();
      }
      expectTokenResponse(await exchange(c1, { code, code_verifier: verifier, redirect_uri: REDIRECT }), {
        hasRefreshToken: true,
      });
    });
  });

  describe('binding to client, redirect URI and PKCE', () => {
    it("TK-03 refuses C1's code redeemed with C4's credentials", async () => {
      const { code, verifier } = await codeFor(c1);
      expectOAuthError(
        await exchange(c4, { code, code_verifier: verifier, redirect_uri: REDIRECT }),
        400,
        'invalid_grant',
      );
    });

    it("TK-04 refuses a public client's code redeemed with another public client_id", async () => {
      const { code, verifier } = await codeFor(c2, { redirectUri: 'http://127.0.0.1/cb' });
      const res = await exchange(c2b, { code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1/cb' });
      expectOAuthError(res, 400, 'invalid_grant');
    });

    it.each([[`${REDIRECT}?x`], [`${REDIRECT}/`], ['https://c1.example/other'], ['https://C1.example/cb']])(
      'TK-05 refuses redirect_uri %s that differs from the authorization request',
      async (redirectUri) => {
        const { code, verifier } = await codeFor(c1);
        expectOAuthError(
          await exchange(c1, { code, code_verifier: verifier, redirect_uri: redirectUri }),
          400,
          'invalid_grant',
        );
      },
    );

    it('TK-06 requires redirect_uri when the authorization request carried one', async () => {
      const { code, verifier } = await codeFor(c1);
      expectOAuthError(await exchange(c1, { code, code_verifier: verifier }), 400, 'invalid_request');
    });

    it('refuses an unregistered redirect_uri when the authorization request had none', async () => {
      const { code, verifier } = await codeFor(c1, { redirectUri: null });
      const res = await exchange(c1, { code, code_verifier: verifier, redirect_uri: 'https://evil.example/cb' });
      expectOAuthError(res, 400, 'invalid_grant');
    });

    it('TK-09 refuses a missing code_verifier with invalid_grant', async () => {
      const { code } = await codeFor(c1);
      expectOAuthError(await exchange(c1, { code, redirect_uri: REDIRECT }), 400, 'invalid_grant');
    });

    it('TK-10 refuses a wrong code_verifier with invalid_grant', async () => {
      const { code } = await codeFor(c1);
      const other = 'a'.repeat(43);
      expectOAuthError(
        await exchange(c1, { code, code_verifier: other, redirect_uri: REDIRECT }),
        400,
        'invalid_grant',
      );
    });

    it('TK-11 refuses a verifier for a code that was issued without a challenge', async () => {
      const { code } = await codeFor(exempt, { codeChallenge: null, codeChallengeMethod: null });
      const res = await exchange(exempt, { code, code_verifier: 'a'.repeat(43), redirect_uri: REDIRECT });
      expectOAuthError(res, 400, 'invalid_grant');
    });

    it('P8 refuses a code without a challenge for a client that is not exempt', async () => {
      const { code } = await codeFor(c1, { codeChallenge: null, codeChallengeMethod: null });
      expectOAuthError(await exchange(c1, { code, redirect_uri: REDIRECT }), 400, 'invalid_grant');
    });

    it('refuses a code whose challenge method is plain', async () => {
      const verifier = 'b'.repeat(43);
      const { code } = await codeFor(c1, { codeChallenge: verifier, codeChallengeMethod: 'plain' });
      expectOAuthError(
        await exchange(c1, { code, code_verifier: verifier, redirect_uri: REDIRECT }),
        400,
        'invalid_grant',
      );
    });

    it.each([
      ['a'],
      ['a'.repeat(42)],
      ['a'.repeat(129)],
      [`${'a'.repeat(42)}+`],
      [`${'a'.repeat(42)}/`],
      [`${'a'.repeat(42)}=`],
    ])('TK-12 refuses the malformed code_verifier %s with invalid_request', async (verifier) => {
      const { code } = await codeFor(c1);
      expectOAuthError(
        await exchange(c1, { code, code_verifier: verifier, redirect_uri: REDIRECT }),
        400,
        'invalid_request',
      );
    });
  });

  describe('bad codes', () => {
    it('TK-07 refuses an expired code with invalid_grant', async () => {
      const now = Date.now();
      const clock = jest.spyOn(Date, 'now').mockReturnValue(now - 61_000);
      let issued: { code: string; verifier: string };
      try {
        issued = await codeFor(c1);
      } finally {
        clock.mockRestore();
      }
      const res = await exchange(c1, { code: issued.code, code_verifier: issued.verifier, redirect_uri: REDIRECT });
      expectOAuthError(res, 400, 'invalid_grant');
    });

    it('TK-08 refuses garbage and mutated codes with invalid_grant', async () => {
      const { code, verifier } = await codeFor(c1);
      const flipped =
        code[0] === code[0].toUpperCase()
          ? `${code[0].toLowerCase()}${code.slice(1)}`
          : `${code[0].toUpperCase()}${code.slice(1)}`;
      const variants = [
        'garbage',
        `${code} `,
        `${code.slice(0, -1)}é`,
        "' OR '1'='1",
        '";DROP TABLE authorization_codes;--',
      ];
      if (flipped !== code) variants.push(flipped);
      for (const variant of variants) {
        expectOAuthError(
          await exchange(c1, { code: variant, code_verifier: verifier, redirect_uri: REDIRECT }),
          400,
          'invalid_grant',
        );
      }
      expectTokenResponse(await exchange(c1, { code, code_verifier: verifier, redirect_uri: REDIRECT }), {
        hasRefreshToken: true,
      });
    });

    it('TK-16 refuses a missing code with invalid_request', async () => {
      expectOAuthError(
        await exchange(c1, { code_verifier: 'a'.repeat(43), redirect_uri: REDIRECT }),
        400,
        'invalid_request',
      );
    });

    it('HY-04 refuses a repeated code with invalid_request', async () => {
      const { code, verifier } = await codeFor(c1);
      const res = await tokenRequest(
        t,
        { grant_type: 'authorization_code', code: [code, code], code_verifier: verifier, redirect_uri: REDIRECT },
        basicOf(c1),
      );
      expectOAuthError(res, 400, 'invalid_request');
    });
  });
});
