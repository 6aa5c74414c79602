/** Returns the jtis among those given that are revoked or have no record. */
export type FindRevokedOrMissing = (jtis: string[]) => Promise<Set<string>>;

/** At most this many distinct jtis go into one query. */
export const MAX_BATCH_SIZE = 500;

interface Pending {
  promise: Promise<boolean>;
  resolve(isLive: boolean): void;
  reject(error: unknown): void;
}

class Batch {
  readonly waiting = new Map<string, Pending>();

  wait(jti: string): Promise<boolean> {
    let pending = this.waiting.get(jti);
    if (!pending) {
      let resolve!: (isLive: boolean) => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<boolean>((onResolve, onReject) => {
        resolve = onResolve;
        reject = onReject;
      });
      pending = { promise, resolve, reject };
      this.waiting.set(jti, pending);
    }
    return pending.promise;
  }
}

/**
 * Answers "is this access token still live?" from the database, with one query per database round
 * trip for all concurrent callers instead of one per request.
 *
 * Revocation must reach every instance at once, so nothing is cached: a caller is answered only by
 * a query that starts after it asked, and therefore sees every revocation committed before the
 * request arrived. Callers that arrive while a query runs join the next batch, which starts as soon
 * as that query ends; on an idle checker a batch starts on the next turn of the event loop, so
 * requests parsed in the same turn share it.
 */
export class RevocationChecker {
  private readonly queue: Batch[] = [];
  private isRunning = false;

  constructor(
    private readonly findRevokedOrMissing: FindRevokedOrMissing,
    private readonly maxBatchSize = MAX_BATCH_SIZE,
  ) {}

  /** True when the token's record exists and is not revoked. */
  isLive(jti: string): Promise<boolean> {
    let batch = this.queue.at(-1);
    if (!batch || (batch.waiting.size >= this.maxBatchSize && !batch.waiting.has(jti))) {
      batch = new Batch();
      this.queue.push(batch);
      if (!this.isRunning && this.queue.length === 1) setImmediate(() => this.runNext());
    }
    return batch.wait(jti);
  }

  private runNext(): void {
    const batch = this.queue.shift();
    if (!batch) {
      this.isRunning = false;
      return;
    }
    this.isRunning = true;
    const jtis = [...batch.waiting.keys()];
    let query: Promise<Set<string>>;
    try {
      query = this.findRevokedOrMissing(jtis);
    } catch (error) {
      query = Promise.reject(error);
    }
    query
      .then(
        (dead) => {
          for (const [jti, pending] of batch.waiting) pending.resolve(!dead.has(jti));
        },
        (error: unknown) => {
          for (const pending of batch.waiting.values()) pending.reject(error);
        },
      )
      .finally(() => this.runNext());
  }
}
