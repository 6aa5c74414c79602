import { GroupCommit } from './group-commit';

describe(GroupCommit.name, () => {
  it('writes rows added in the same turn with one call, and resolves each caller after it', async () => {
    const writes: number[][] = [];
    const commit = new GroupCommit<number>(async (rows) => void writes.push(rows));
    await Promise.all([1, 2, 3, 4].map((row) => commit.add(row)));
    expect(writes).toEqual([[1, 2, 3, 4]]);
  });

  it('splits a large batch', async () => {
    const writes: number[][] = [];
    const commit = new GroupCommit<number>(async (rows) => void writes.push(rows), 3);
    await Promise.all([1, 2, 3, 4, 5, 6, 7].map((row) => commit.add(row)));
    expect(writes).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('fails only the caller whose row cannot be written', async () => {
    const stored: number[] = [];
    const commit = new GroupCommit<number>(async (rows) => {
      if (rows.includes(13)) throw new Error('constraint');
      stored.push(...rows);
    });
    const results = await Promise.allSettled([12, 13, 14].map((row) => commit.add(row)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(stored.sort()).toEqual([12, 14]);
  });

  it('never resolves a caller before its row is written', async () => {
    let release: () => void = () => undefined;
    const commit = new GroupCommit<number>(() => new Promise<void>((resolve) => (release = resolve)));
    let isDone = false;
    const added = commit.add(1).then(() => (isDone = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(isDone).toBe(false);
    release();
    await added;
    expect(isDone).toBe(true);
  });
});
