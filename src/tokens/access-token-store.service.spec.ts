import type { EntityManager, Repository } from 'typeorm';
import { IsNull } from 'typeorm';
import { AccessTokenEntity } from './access-token.entity';
import { AccessTokenRecord, AccessTokenStore } from './access-token-store.service';
import type { TransactionsService } from '../database/transactions.service';

function record(jti: string): AccessTokenRecord {
  return {
    jti,
    grantId: null,
    clientId: 'client-abc',
    userId: null,
    scope: 'profile',
    expiresAt: new Date('2026-12-02T10:10:00.000Z'),
    createdAt: new Date('2026-12-02T10:00:00.000Z'),
  };
}

function setup(liveJtis: string[] = []) {
  const writer = { query: jest.fn(async () => undefined) };
  const transactions = {
    write: jest.fn(async (work: (manager: EntityManager) => Promise<void>) => work(writer as unknown as EntityManager)),
  };
  const manager = { update: jest.fn(async () => ({ affected: 1 })) };
  const repository = {
    query: jest.fn(async () => liveJtis.map((jti) => ({ jti }))),
    findOneBy: jest.fn(async () => null),
    manager,
  };
  const store = new AccessTokenStore(
    repository as unknown as Repository<AccessTokenEntity>,
    transactions as unknown as TransactionsService,
  );
  return { store, writer, transactions, repository, manager };
}

describe(AccessTokenStore.name, () => {
  it('inserts into the caller’s transaction with one hand-written statement', async () => {
    const { store, transactions } = setup();
    const manager = { query: jest.fn(async () => undefined) };
    await store.insert(record('a'), manager as unknown as EntityManager);
    expect(transactions.write).not.toHaveBeenCalled();
    expect(manager.query).toHaveBeenCalledWith(
      'INSERT INTO access_tokens (jti, grant_id, client_id, user_id, scope, expires_at, revoked_at, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)',
      ['a', null, 'client-abc', null, 'profile', '2026-12-02 10:10:00.000', '2026-12-02 10:00:00.000'],
    );
  });

  it('writes concurrent records without a transaction in one statement (group commit)', async () => {
    const { store, transactions, writer } = setup();
    await Promise.all([store.insert(record('a')), store.insert(record('b'))]);
    expect(transactions.write).toHaveBeenCalledTimes(1);
    const [sql, values] = writer.query.mock.calls[0] as unknown as [string, unknown[]];
    expect(sql.endsWith('VALUES (?, ?, ?, ?, ?, ?, NULL, ?), (?, ?, ?, ?, ?, ?, NULL, ?)')).toBe(true);
    expect(values).toHaveLength(14);
  });

  it('answers the revoked or missing jtis with one query over the distinct ones', async () => {
    const { store, repository } = setup(['live']);
    await expect(store.findRevokedOrMissing(['live', 'gone', 'gone'])).resolves.toEqual(new Set(['gone']));
    expect(repository.query).toHaveBeenCalledTimes(1);
    expect(repository.query).toHaveBeenCalledWith(
      'SELECT jti FROM access_tokens WHERE revoked_at IS NULL AND jti IN (?, ?)',
      ['live', 'gone'],
    );
  });

  it('asks nothing for no jtis', async () => {
    const { store, repository } = setup();
    await expect(store.findRevokedOrMissing([])).resolves.toEqual(new Set());
    expect(repository.query).not.toHaveBeenCalled();
  });

  it('tells a live token from a revoked one', async () => {
    const { store } = setup(['live']);
    await expect(store.isLive('live')).resolves.toBe(true);
    await expect(store.isLive('revoked')).resolves.toBe(false);
  });

  it('revokes only a token not revoked yet, in the given transaction or on its own', async () => {
    const { store, manager } = setup();
    await store.revoke('a');
    expect(manager.update).toHaveBeenCalledWith(
      AccessTokenEntity,
      { jti: 'a', revokedAt: IsNull() },
      { revokedAt: expect.any(Date) },
    );
    const transaction = { update: jest.fn(async () => ({ affected: 0 })) };
    await store.revoke('b', transaction as unknown as EntityManager);
    expect(transaction.update).toHaveBeenCalledTimes(1);
  });
});
