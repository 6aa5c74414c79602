/** Answers every key of a batch with one query: the keys found, with their values. */
export type BatchQuery<K, V> = (keys: K[]) => Promise<ReadonlyMap<K, V>>;

/** At most this many distinct keys go into one query. */
export const MAX_BATCH_SIZE = 500;

interface Pending<V> {
  promise: Promise<V | undefined>;
  resolve(value: V | undefined): void;
  reject(error: unknown): void;
}

class Batch<K, V> {
  readonly waiting = new Map<K, Pending<V>>();

  wait(key: K): Promise<V | undefined> {
    let pending = this.waiting.get(key);
    if (!pending) {
      let resolve!: (value: V | undefined) => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<V | undefined>((onResolve, onReject) => {
        resolve = onResolve;
        reject = onReject;
      });
      pending = { promise, resolve, reject };
      this.waiting.set(key, pending);
    }
    return pending.promise;
  }
}

/**
 * Reads rows by key with one query per database round trip for all concurrent callers instead of
 * one per request (under load, the hot lookups of every token request: the client, the token's
 * revocation).
 *
 * Nothing is cached: a caller is answered only by a query that starts after it asked, and
 * therefore sees every change committed before its request arrived (a revocation or a deleted
 * client reaches every instance at once). Callers that arrive while a query runs join the next
 * batch, which starts as soon as that query ends; on an idle lookup a batch starts on the next turn
 * of the event loop, so requests parsed in the same turn share it.
 */
export class CoalescedLookup<K, V> {
  private readonly queue: Array<Batch<K, V>> = [];
  private isRunning = false;

  constructor(
    private readonly query: BatchQuery<K, V>,
    private readonly maxBatchSize = MAX_BATCH_SIZE,
  ) {}

  /** The key's value, or undefined when the query did not find it. */
  get(key: K): Promise<V | undefined> {
    let batch = this.queue.at(-1);
    if (!batch || (batch.waiting.size >= this.maxBatchSize && !batch.waiting.has(key))) {
      batch = new Batch<K, V>();
      this.queue.push(batch);
      if (!this.isRunning && this.queue.length === 1) setImmediate(() => this.runNext());
    }
    return batch.wait(key);
  }

  private runNext(): void {
    const batch = this.queue.shift();
    if (!batch) {
      this.isRunning = false;
      return;
    }
    this.isRunning = true;
    const keys = [...batch.waiting.keys()];
    let query: Promise<ReadonlyMap<K, V>>;
    try {
      query = this.query(keys);
    } catch (error) {
      query = Promise.reject(error);
    }
    query
      .then(
        (found) => {
          for (const [key, pending] of batch.waiting) pending.resolve(found.get(key));
        },
        (error: unknown) => {
          for (const pending of batch.waiting.values()) pending.reject(error);
        },
      )
      .finally(() => this.runNext());
  }
}
