import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import { RateLimitStore } from '../src/common/throttling/rate-limit.store';
import { MaintenanceService } from '../src/maintenance/maintenance.service';
import { AccessTokenEntity } from '../src/tokens/access-token.entity';
import { AuthorizationCodeEntity } from '../src/tokens/authorization-code.entity';
import { DeviceAuthorizationEntity } from '../src/tokens/device/device-authorization.entity';
import { KeysService } from '../src/tokens/keys/keys.service';
import { SigningKeyEntity } from '../src/tokens/keys/signing-key.entity';
import { RefreshTokenEntity } from '../src/tokens/refresh-token.entity';
import { createTestApp, TestApp } from './utils/app';
import { createClient, createUser } from './utils/fixtures';

const HOUR = 60 * 60 * 1000;

describe('cleanup of expired rows', () => {
  let t: TestApp;
  let clientId: string;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { CLEANUP_BATCH_SIZE: '50', CLEANUP_MAX_BATCHES: '100' } });
    clientId = (await createClient(t, { name: 'c', grantTypes: ['client_credentials'], scope: 'profile' })).clientId;
    userId = (await createUser(t, { username: 'cleanup-user' })).id;
  });

  afterAll(async () => {
    await t.close();
  });

  async function seed(count: number, expiresAt: Date, tag: string): Promise<void> {
    const now = new Date();
    const access = Array.from({ length: count }, () => ({
      jti: randomUUID(),
      grantId: tag,
      clientId,
      userId,
      scope: 'profile',
      expiresAt,
      revokedAt: null,
      createdAt: now,
    }));
    const refresh = Array.from({ length: count }, () => ({
      id: randomUUID(),
      tokenHash: randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, ''),
      grantId: tag,
      clientId,
      userId,
      scope: 'profile',
      expiresAt,
      usedAt: null,
      revokedAt: null,
      createdAt: now,
    }));
    const codes = Array.from({ length: count }, () => ({
      id: randomUUID(),
      codeHash: randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, ''),
      clientId,
      userId,
      redirectUri: null,
      scope: 'profile',
      codeChallenge: null,
      codeChallengeMethod: null,
      grantId: tag,
      expiresAt,
      consumedAt: null,
      createdAt: now,
    }));
    const devices = Array.from({ length: count }, () => ({
      id: randomUUID(),
      deviceCodeHash: randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, ''),
      userCodeHash: randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, ''),
      clientId,
      scope: 'profile',
      status: 'pending' as const,
      userId: null,
      grantId: tag,
      intervalSeconds: 5,
      lastPolledAt: null,
      expiresAt,
      decidedAt: null,
      consumedAt: null,
      createdAt: now,
    }));
    for (let i = 0; i < count; i += 100) {
      await t.dataSource.getRepository(AccessTokenEntity).insert(access.slice(i, i + 100));
      await t.dataSource.getRepository(RefreshTokenEntity).insert(refresh.slice(i, i + 100));
      await t.dataSource.getRepository(AuthorizationCodeEntity).insert(codes.slice(i, i + 100));
      await t.dataSource.getRepository(DeviceAuthorizationEntity).insert(devices.slice(i, i + 100));
    }
  }

  const countBy = (
    entity:
      | typeof AccessTokenEntity
      | typeof RefreshTokenEntity
      | typeof AuthorizationCodeEntity
      | typeof DeviceAuthorizationEntity,
    grantId: string,
  ) => t.dataSource.getRepository<{ grantId: string }>(entity).countBy({ grantId });

  it('erases the private part of a signing key once no token it signed can be valid, and keeps the rest', async () => {
    const keys = t.get(KeysService);
    const repository = t.dataSource.getRepository(SigningKeyEntity);
    const oldKid = (await keys.getJwks()).keys[0].kid;
    await keys.rotate();
    const recentKid = (await repository.findOneByOrFail({ retiredAt: IsNull() })).kid;
    await keys.rotate();
    // The first key retired two hours ago (tokens live 10 minutes); the second one just now.
    await repository.update({ kid: oldKid }, { retiredAt: new Date(Date.now() - 2 * HOUR) });
    const report = await t.get(MaintenanceService).cleanup();
    expect(report.private_keys_erased).toBe(1);
    const rows = await repository.find();
    const byKid = new Map(rows.map((row) => [row.kid, row]));
    expect(byKid.get(oldKid)).toMatchObject({ privateKey: null, publicJwk: expect.stringContaining(oldKid) });
    expect(byKid.get(recentKid)?.privateKey).toEqual(expect.any(String));
    expect(rows.filter((row) => row.retiredAt === null && row.privateKey !== null)).toHaveLength(1);
    // Keys still load and sign after the erasure, and a second run has nothing left to erase.
    await keys.reload();
    expect(keys.getSigningKey().kid).not.toBe(oldKid);
    expect((await t.get(MaintenanceService).cleanup()).private_keys_erased).toBe(0);
  });

  it('deletes only expired rows, in bounded batches, until none are left', async () => {
    const now = Date.now();
    await seed(520, new Date(now - 2 * HOUR), 'expired');
    await seed(30, new Date(now + HOUR), 'live');
    await t.get(RateLimitStore).increment('old-window', 1, now - HOUR);
    await t.get(RateLimitStore).increment('live-window', 600, now);

    const report = await t.get(MaintenanceService).cleanup(new Date(now));
    expect(report.isPartial).toBe(false);
    expect(report.batches).toBeGreaterThanOrEqual(11);
    expect(report.deleted).toMatchObject({
      access_tokens: 520,
      refresh_tokens: 520,
      authorization_codes: 520,
      device_authorizations: 520,
      rate_limits: 1,
    });
    for (const entity of [AccessTokenEntity, RefreshTokenEntity, AuthorizationCodeEntity, DeviceAuthorizationEntity]) {
      expect(await countBy(entity, 'expired')).toBe(0);
      expect(await countBy(entity, 'live')).toBe(30);
    }
    const windows: unknown[] = await t.dataSource.query('SELECT limit_key FROM rate_limits');
    expect(windows).toEqual([{ limit_key: 'live-window' }]);
  });

  it('keeps a spent code for an hour after it expired, so a late replay is still recognised', async () => {
    const now = Date.now();
    await seed(3, new Date(now - 10 * 60 * 1000), 'recent');
    await t.get(MaintenanceService).cleanup(new Date(now));
    expect(await countBy(AuthorizationCodeEntity, 'recent')).toBe(3);
    expect(await countBy(DeviceAuthorizationEntity, 'recent')).toBe(3);
    expect(await countBy(AccessTokenEntity, 'recent')).toBe(0);
  });

  it('stops at its batch budget and says so', async () => {
    const budgeted = await createTestApp({ env: { CLEANUP_BATCH_SIZE: '10', CLEANUP_MAX_BATCHES: '2' } });
    try {
      const id = (await createClient(budgeted, { name: 'c', grantTypes: ['client_credentials'], scope: 'profile' }))
        .clientId;
      const rows = Array.from({ length: 45 }, () => ({
        jti: randomUUID(),
        grantId: null,
        clientId: id,
        userId: null,
        scope: 'profile',
        expiresAt: new Date(Date.now() - HOUR),
        revokedAt: null,
        createdAt: new Date(),
      }));
      await budgeted.dataSource.getRepository(AccessTokenEntity).insert(rows);
      const report = await budgeted.get(MaintenanceService).cleanup();
      expect(report).toMatchObject({ batches: 2, isPartial: true });
      expect(report.deleted.access_tokens).toBe(20);
      expect(await budgeted.dataSource.getRepository(AccessTokenEntity).count()).toBe(25);
    } finally {
      await budgeted.close();
    }
  });
});
