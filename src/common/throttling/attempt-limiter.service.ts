import { Injectable } from '@nestjs/common';

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
 */
@Injectable()
export class AttemptLimiter {
  private readonly windows = new Map<string, Window>();

  check(key: string, limit: number, windowSeconds: number, now = Date.now()): LimitDecision {
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now) return { isBlocked: false, retryAfterSeconds: 0 };
    return {
      isBlocked: window.count >= limit,
      retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)),
    };
  }

  recordFailure(key: string, windowSeconds: number, now = Date.now()): void {
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      this.windows.set(key, { count: 1, endsAt: now + windowSeconds * 1000 });
      this.sweep(now);
      return;
    }
    window.count += 1;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  /** Drops expired windows so the map stays bounded by the keys active in one window. */
  private sweep(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}
