import { Injectable, Logger } from '@nestjs/common';
import { RateLimitStore } from './rate-limit.store';

export interface LimitDecision {
  isBlocked: boolean;
  /** Seconds until the window resets, for a `Retry-After` header. */
  retryAfterSeconds: number;
}

interface Window {
  count: number;
  endsAt: number;
}

/**
 * Counts failures (bad client secrets, bad passwords) per key in fixed windows and blocks a key
 * that exceeds its budget (RFC 6819 §4.4.3.6, §5.1.4.2.3). Keys name what is counted, e.g.
 * `client-auth:client:<id>` or `login:user:<name>`.
 *
 * Counts live in the database, shared by every instance; each instance keeps the latest count it
 * saw, so `check` costs no query. An instance learns the shared count when it records a failure:
 * a key is blocked everywhere after at most `limit + instances - 1` failures in a window.
 */
@Injectable()
export class AttemptLimiter {
  private readonly logger = new Logger(AttemptLimiter.name);
  private readonly windows = new Map<string, Window>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly store: RateLimitStore) {}

  check(key: string, limit: number, _windowSeconds?: number, now = Date.now()): LimitDecision {
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now) return { isBlocked: false, retryAfterSeconds: 0 };
    return {
      isBlocked: window.count >= limit,
      retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)),
    };
  }

  /** Counts one failure here at once and in the shared store; resolves when the store has it. */
  recordFailure(key: string, windowSeconds: number, now = Date.now()): Promise<void> {
    this.hold(key, windowSeconds, now);
    return this.share(key, windowSeconds, now);
  }

  /**
   * Counts one attempt on this instance only, before it is known to fail (P10: parallel attempts
   * count). Then `share` it if it failed, or `release` it: a success never costs a store write.
   */
  hold(key: string, windowSeconds: number, now = Date.now()): void {
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      this.windows.set(key, { count: 1, endsAt: now + windowSeconds * 1000 });
      this.sweep(now);
    } else {
      window.count += 1;
    }
  }

  /** Reports a held attempt that failed to the shared store; resolves when the store has it. */
  share(key: string, windowSeconds: number, now = Date.now()): Promise<void> {
    return this.track(
      this.store.increment(key, windowSeconds, now).then((shared) => {
        const local = this.windows.get(key);
        if (shared.windowEndsMs <= Date.now()) return;
        if (!local || local.endsAt <= now || shared.hits > local.count) {
          this.windows.set(key, { count: shared.hits, endsAt: shared.windowEndsMs });
        }
      }),
    );
  }

  /** Takes back a held attempt that succeeded; the shared store never heard of it. */
  release(key: string, now = Date.now()): void {
    const window = this.windows.get(key);
    if (window && window.endsAt > now) window.count = Math.max(0, window.count - 1);
  }

  /** Forgets a key's failures (e.g. after a successful login). */
  reset(key: string): Promise<void> {
    this.windows.delete(key);
    return this.track(this.store.delete(key));
  }

  /** Waits for every pending write to the shared store. */
  async flush(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private track(write: Promise<void>): Promise<void> {
    // The local count already holds; a store outage must not fail the request that was refused.
    const settled = write.catch((error: unknown) => {
      this.logger.warn({ err: error }, 'rate limit store unavailable');
    });
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
    return settled;
  }

  /** Drops expired windows so the map stays bounded by the keys active in one window. */
  private sweep(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}
