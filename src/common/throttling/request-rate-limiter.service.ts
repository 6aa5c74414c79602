import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { LimitDecision } from './attempt-limiter.service';
import { RateLimitStore } from './rate-limit.store';

interface Window {
  windowSeconds: number;
  endsAt: number;
  /** Hits every instance had reported to the store when this instance last flushed. */
  shared: number;
  /** Hits on this instance not yet reported. */
  pending: number;
  /** Hits being reported right now: counted by neither `shared` nor `pending` until the store answers. */
  reporting: number;
}

/** How often each instance reports its counts to the shared store and learns the others'. */
const FLUSH_INTERVAL_MS = 1000;

/**
 * Limits request rates (e.g. token requests per client) across instances without a database write
 * per request: hits count locally at once and are added to the shared window every second, so the
 * limit holds everywhere within about one second's worth of traffic.
 */
@Injectable()
export class RequestRateLimiter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RequestRateLimiter.name);
  private readonly windows = new Map<string, Window>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(private readonly store: RateLimitStore) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Counts one request under `key` unless the key is over its limit for this window. */
  hit(key: string, limit: number, windowSeconds: number, now = Date.now()): LimitDecision {
    const window = this.windowFor(key, windowSeconds, now);
    if (window.shared + window.reporting + window.pending >= limit) {
      return { isBlocked: true, retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)) };
    }
    window.pending += 1;
    return { isBlocked: false, retryAfterSeconds: 0 };
  }

  /** Counts one request under `key` whatever the total, and answers the total and the window's end. */
  count(key: string, windowSeconds: number, now = Date.now()): { hits: number; endsAt: number } {
    const window = this.windowFor(key, windowSeconds, now);
    window.pending += 1;
    return { hits: window.shared + window.reporting + window.pending, endsAt: window.endsAt };
  }

  /** Reports pending hits to the shared store and takes back every instance's total. */
  flush(): Promise<void> {
    this.flushing ??= this.flushPending().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private windowFor(key: string, windowSeconds: number, now: number): Window {
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { windowSeconds, endsAt: now + windowSeconds * 1000, shared: 0, pending: 0, reporting: 0 };
      this.windows.set(key, window);
    }
    return window;
  }

  private async flushPending(): Promise<void> {
    const now = Date.now();
    for (const [key, window] of this.windows) {
      if (window.endsAt <= now) {
        this.windows.delete(key);
        continue;
      }
      const delta = window.pending;
      window.pending = 0;
      window.reporting = delta;
      try {
        const shared = await this.store.increment(key, window.windowSeconds, now, delta);
        window.shared = shared.hits;
        window.endsAt = shared.windowEndsMs;
        window.reporting = 0;
      } catch (error) {
        // Keep counting locally; the hits are reported with the next flush.
        window.reporting = 0;
        window.pending += delta;
        this.logger.warn({ err: error }, 'rate limit store unavailable');
        return;
      }
    }
  }
}
