import { CoalescedLookup } from './coalesced-lookup';

/**
 * A query function whose calls the test resolves by hand, with the keys it found absent (as the
 * revocation check does: a jti found is live, one missing is revoked or deleted).
 */
function controllableQuery() {
  const calls: Array<{ jtis: string[]; resolve(dead: Set<string>): void; reject(error: unknown): void }> = [];
  const query = jest.fn(
    (jtis: string[]) =>
      new Promise<ReadonlyMap<string, true>>((resolve, reject) => {
        calls.push({
          jtis,
          resolve: (dead) => resolve(new Map(jtis.filter((jti) => !dead.has(jti)).map((jti) => [jti, true]))),
          reject,
        });
      }),
  );
  return { query, calls };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe(CoalescedLookup.name, () => {
  it('answers callers of the same turn with one query', async () => {
    const { query, calls } = controllableQuery();
    const lookup = new CoalescedLookup(query);
    const answers = Promise.all([lookup.get('a'), lookup.get('b'), lookup.get('a'), lookup.get('c')]);
    await nextTurn();
    expect(calls.map((call) => call.jtis)).toEqual([['a', 'b', 'c']]);
    calls[0].resolve(new Set(['b']));
    await expect(answers).resolves.toEqual([true, undefined, true, true]);
  });

  it('answers a caller that arrives during a query only with a query that starts after it', async () => {
    const { query, calls } = controllableQuery();
    const lookup = new CoalescedLookup(query);
    const first = lookup.get('a');
    await nextTurn();
    expect(calls).toHaveLength(1);

    // The token is revoked while the first query runs; the first query's answer predates that.
    let isLateSettled = false;
    const late = lookup.get('a').finally(() => {
      isLateSettled = true;
    });
    calls[0].resolve(new Set());
    await expect(first).resolves.toBe(true);
    await nextTurn();
    expect(isLateSettled).toBe(false);
    expect(calls.map((call) => call.jtis)).toEqual([['a'], ['a']]);
    calls[1].resolve(new Set(['a']));
    await expect(late).resolves.toBeUndefined();
  });

  it('gathers every caller that arrives during a query into the next single query', async () => {
    const { query, calls } = controllableQuery();
    const lookup = new CoalescedLookup(query);
    void lookup.get('a');
    await nextTurn();
    const waiting = Promise.all(['b', 'c', 'd'].map((jti) => lookup.get(jti)));
    await nextTurn();
    expect(calls).toHaveLength(1);
    calls[0].resolve(new Set());
    await nextTurn();
    expect(calls.map((call) => call.jtis)).toEqual([['a'], ['b', 'c', 'd']]);
    calls[1].resolve(new Set(['c']));
    await expect(waiting).resolves.toEqual([true, undefined, true]);
  });

  it('splits more distinct jtis than the batch size into consecutive queries', async () => {
    const { query, calls } = controllableQuery();
    const lookup = new CoalescedLookup(query, 2);
    const answers = Promise.all(['a', 'b', 'a', 'c', 'd', 'e'].map((jti) => lookup.get(jti)));
    await nextTurn();
    expect(calls.map((call) => call.jtis)).toEqual([['a', 'b']]);
    calls[0].resolve(new Set());
    await nextTurn();
    calls[1].resolve(new Set(['d']));
    await nextTurn();
    calls[2].resolve(new Set());
    expect(calls.map((call) => call.jtis)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    await expect(answers).resolves.toEqual([true, true, true, true, undefined, true]);
  });

  it('rejects the callers of a failed query and keeps serving later ones', async () => {
    const { query, calls } = controllableQuery();
    const lookup = new CoalescedLookup(query);
    const failed = lookup.get('a');
    await nextTurn();
    calls[0].reject(new Error('database down'));
    await expect(failed).rejects.toThrow('database down');

    const later = lookup.get('a');
    await nextTurn();
    calls[1].resolve(new Set());
    await expect(later).resolves.toBe(true);
  });

  it('rejects the callers when the query function throws synchronously', async () => {
    const lookup = new CoalescedLookup<string, true>(() => {
      throw new Error('not connected');
    });
    await expect(lookup.get('a')).rejects.toThrow('not connected');
  });
});
