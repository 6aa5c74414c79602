import { createHash } from 'node:crypto';
import { ClientEntity } from '../../clients/client.entity';
import { createTestApp, TestApp } from '../../../test/utils/app';
import { activeAccessTokenClaims, createClient, createUser } from '../../../test/utils/fixtures';
import { ResourceCatalog } from '../../resources/resource-catalog';
import { AuthorizationCodesService, NewAuthorizationCode } from '../authorization-codes.service';
import { AuthorizationCodeGrant } from './authorization-code.grant';
import { isWellFormedCodeVerifier, verifyPkce } from '../../common/oauth/pkce';

const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
// RFC 7636 Appendix B.
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const REDIRECT = 'https://c1.example/cb';

describe('verifyPkce', () => {
  it('matches the RFC 7636 Appendix B example and nothing else', () => {
    expect(verifyPkce(VERIFIER, CHALLENGE)).toBe(true);
    expect(verifyPkce(`${VERIFIER.slice(0, -1)}l`, CHALLENGE)).toBe(false);
    expect(verifyPkce(VERIFIER, VERIFIER)).toBe(false);
    expect(createHash('sha256').update(VERIFIER).digest('base64url')).toBe(CHALLENGE);
  });

  it('accepts only 43 to 128 unreserved characters as a verifier', () => {
    expect(isWellFormedCodeVerifier('a'.repeat(43))).toBe(true);
    expect(isWellFormedCodeVerifier('a'.repeat(128))).toBe(true);
    expect(isWellFormedCodeVerifier('-._~'.repeat(11))).toBe(true);
    for (const bad of [
      'a'.repeat(42),
      'a'.repeat(129),
      `${'a'.repeat(42)}+`,
      `${'a'.repeat(42)}=`,
      `${'a'.repeat(42)} `,
    ]) {
      expect(isWellFormedCodeVerifier(bad)).toBe(false);
    }
  });
});

describe(AuthorizationCodeGrant.name, () => {
  let t: TestApp;
  let grant: AuthorizationCodeGrant;
  let client: ClientEntity;
  let other: ClientEntity;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp();
    grant = t.get(AuthorizationCodeGrant);
    client = (await createClient(t, { name: 'code', redirectUris: [REDIRECT], scope: 'profile notes:read' })).client;
    other = (await createClient(t, { name: 'other', redirectUris: [REDIRECT] })).client;
    userId = (await createUser(t, { username: 'erin' })).id;
  });

  afterAll(async () => {
    await t.close();
  });

  const newCode = (input: Partial<NewAuthorizationCode> = {}) =>
    t.get(AuthorizationCodesService).create({
      clientId: client.clientId,
      userId,
      redirectUri: REDIRECT,
      scope: 'profile',
      resources: [t.get(ResourceCatalog).defaultResource],
      codeChallenge: CHALLENGE,
      codeChallengeMethod: 'S256',
      ...input,
    });

  const redeem = (code: string, extra: { code_verifier?: string; redirect_uri?: string } = {}, who = client) =>
    grant.handle(who, { code, code_verifier: VERIFIER, redirect_uri: REDIRECT, ...extra });

  it("exchanges a code for tokens bound to the user, with the code's scope", async () => {
    const response = await redeem(await newCode());
    expect(response).toMatchObject({ token_type: 'Bearer', scope: 'profile', refresh_token: expect.any(String) });
    expect(await activeAccessTokenClaims(t, response.access_token)).toMatchObject({ sub: userId });
  });

  it("rejects a second redemption with invalid_grant and revokes the first one's tokens", async () => {
    const code = await newCode();
    const first = await redeem(code);
    await expect(redeem(code)).rejects.toMatchObject({ code: 'invalid_grant' });
    expect(await activeAccessTokenClaims(t, first.access_token)).toBeNull();
  });

  it("rejects another client's code with invalid_grant", async () => {
    await expect(redeem(await newCode(), {}, other)).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  it('rejects a different redirect_uri with invalid_grant and a missing one with invalid_request', async () => {
    await expect(redeem(await newCode(), { redirect_uri: `${REDIRECT}/` })).rejects.toMatchObject({
      code: 'invalid_grant',
    });
    await expect(grant.handle(client, { code: await newCode(), code_verifier: VERIFIER })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('rejects a wrong or missing verifier with invalid_grant, and burns the code', async () => {
    const code = await newCode();
    await expect(redeem(code, { code_verifier: 'b'.repeat(43) })).rejects.toMatchObject({ code: 'invalid_grant' });
    await expect(redeem(code)).rejects.toMatchObject({ code: 'invalid_grant' });
    await expect(grant.handle(client, { code: await newCode(), redirect_uri: REDIRECT })).rejects.toMatchObject({
      code: 'invalid_grant',
    });
  });

  it('rejects a malformed verifier with invalid_request without burning the code', async () => {
    const code = await newCode();
    await expect(redeem(code, { code_verifier: 'short' })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(redeem(code)).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('rejects a code without a challenge unless the confidential client is exempt, and then refuses a verifier', async () => {
    await expect(redeem(await newCode({ codeChallenge: null, codeChallengeMethod: null }))).rejects.toMatchObject({
      code: 'invalid_grant',
    });
    const exempt = { ...client, isPkceExempt: true };
    const noPkce = () => newCode({ codeChallenge: null, codeChallengeMethod: null });
    await expect(redeem(await noPkce(), {}, exempt)).rejects.toMatchObject({ code: 'invalid_grant' });
    await expect(grant.handle(exempt, { code: await noPkce(), redirect_uri: REDIRECT })).resolves.toMatchObject({
      token_type: 'Bearer',
    });
  });

  it('rejects an expired code with invalid_grant', async () => {
    const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.now() - 120_000);
    let code: string;
    try {
      code = await newCode();
    } finally {
      clock.mockRestore();
    }
    await expect(redeem(code)).rejects.toMatchObject({ code: 'invalid_grant' });
  });
});
