import { ConcurrencyLimit } from './concurrency-limit';

describe(ConcurrencyLimit.name, () => {
  const deferred = () => {
    let resolve: () => void = () => undefined;
    const promise = new Promise<void>((done) => (resolve = done));
    return { promise, resolve };
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('runs at most `limit` tasks at once and starts the waiting ones in arrival order', async () => {
    const limit = new ConcurrencyLimit(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, index) =>
      limit.run(async () => {
        started.push(index);
        await gate.promise;
        return index;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    gates[1].resolve();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0].resolve();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2].resolve();
    gates[3].resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
  });

  it('frees the slot of a task that fails', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(async () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    expect(await limit.run(async () => 'next')).toBe('next');
    // Both slots' worth of work still runs one at a time afterwards.
    let concurrent = 0;
    let highest = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        limit.run(async () => {
          concurrent += 1;
          highest = Math.max(highest, concurrent);
          await settle();
          concurrent -= 1;
        }),
      ),
    );
    expect(highest).toBe(1);
  });
});
