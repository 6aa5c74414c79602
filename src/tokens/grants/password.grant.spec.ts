import { UsersService } from '../../users/users.service';
import { createTestApp, TestApp } from '../../../test/utils/app';
import { createClient, createUser } from '../../../test/utils/fixtures';
import { GrantRegistry } from './grant.registry';
import { PasswordGrant } from './password.grant';

const FROM_A = { remoteAddress: '192.0.2.1' };
const FROM_B = { remoteAddress: '198.51.100.7' };

describe(PasswordGrant.name, () => {
  describe('when enabled', () => {
    let t: TestApp;
    let grant: PasswordGrant;

    beforeAll(async () => {
      t = await createTestApp({
        env: {
          ALLOW_PASSWORD_GRANT: 'true',
          RATE_LIMIT_ENABLED: 'true',
          RATE_LIMIT_LOGIN_FAILURES_PER_15_MINUTES: '2',
        },
      });
      grant = t.get(PasswordGrant);
      await createUser(t, { username: 'alice', password: 'alice password' });
      await createUser(t, { username: 'bob', password: 'bob password' });
    });

    afterAll(async () => {
      await t.close();
    });

    const newClient = async (grantTypes = ['password', 'refresh_token']) =>
      (await createClient(t, { name: 'pw', grantTypes, scope: 'profile' })).client;

    it('is offered by the registry', () => {
      expect(t.get(GrantRegistry).get('password')).toBe(grant);
    });

    it('issues tokens for the right password, with a refresh token when the client may refresh', async () => {
      const withRefresh = await grant.handle(
        await newClient(),
        {
          username: 'alice',
          password: 'alice password',
        },
        FROM_A,
      );
      expect(withRefresh).toMatchObject({ token_type: 'Bearer', scope: 'profile', refresh_token: expect.any(String) });
      const withoutRefresh = await grant.handle(
        await newClient(['password']),
        {
          username: 'alice',
          password: 'alice password',
        },
        FROM_A,
      );
      expect(withoutRefresh.refresh_token).toBeUndefined();
    });

    it('rejects a wrong password with invalid_grant', async () => {
      const attempt = grant.handle(await newClient(), { username: 'bob', password: 'nope' }, FROM_A);
      await expect(attempt).rejects.toMatchObject({ code: 'invalid_grant', status: 400 });
    });

    it('rejects an unregistered scope with invalid_scope before checking the password', async () => {
      const verify = jest.spyOn(t.get(UsersService), 'verifyPassword');
      const attempt = grant.handle(
        await newClient(),
        {
          username: 'alice',
          password: 'alice password',
          scope: 'notes:write',
        },
        FROM_A,
      );
      await expect(attempt).rejects.toMatchObject({ code: 'invalid_scope' });
      expect(verify).not.toHaveBeenCalled();
      verify.mockRestore();
    });

    it('throttles a username after too many failures, with a 429 and Retry-After', async () => {
      const client = await newClient();
      await createUser(t, { username: 'carol', password: 'carol password' });
      for (let i = 0; i < 2; i += 1) {
        await expect(grant.handle(client, { username: 'carol', password: 'wrong' }, FROM_A)).rejects.toMatchObject({
          code: 'invalid_grant',
        });
      }
      const blocked = grant.handle(client, { username: 'carol', password: 'carol password' }, FROM_A);
      await expect(blocked).rejects.toMatchObject({ status: 429, retryAfterSeconds: expect.any(Number) });
      // P10 (R2-04): the failures from one address do not lock the user out from another.
      await expect(
        grant.handle(client, { username: 'carol', password: 'carol password' }, FROM_B),
      ).resolves.toMatchObject({ token_type: 'Bearer' });
      // Another username is not affected.
      await expect(
        grant.handle(client, { username: 'alice', password: 'alice password' }, FROM_A),
      ).resolves.toMatchObject({
        token_type: 'Bearer',
      });
    });
  });

  describe('when disabled (default)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp();
    });

    afterAll(async () => {
      await t.close();
    });

    it('is not offered: unsupported_grant_type', () => {
      expect(t.get(PasswordGrant).isEnabled).toBe(false);
      expect(() => t.get(GrantRegistry).get('password')).toThrow(
        expect.objectContaining({ code: 'unsupported_grant_type' }),
      );
    });
  });
});
