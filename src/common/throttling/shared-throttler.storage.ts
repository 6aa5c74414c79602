import { Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { Metrics } from '../../metrics/metrics.service';
import { RequestRateLimiter } from './request-rate-limiter.service';

/**
 * @nestjs/throttler's storage on top of the shared counters: counted in memory at once, added to
 * the shared window (database or Redis) every second, so a limit holds across instances without a
 * write per request.
 */
@Injectable()
export class SharedThrottlerStorage implements ThrottlerStorage {
  constructor(
    private readonly limiter: RequestRateLimiter,
    private readonly metrics: Metrics,
  ) {}

  async increment(key: string, ttlMs: number, limit: number): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    const { hits, endsAt } = this.limiter.count(`throttle:${key}`, Math.ceil(ttlMs / 1000), now);
    const timeToExpire = Math.max(1, Math.ceil((endsAt - now) / 1000));
    const isBlocked = hits > limit;
    // The per-address budget of @nestjs/throttler (AddressThrottlerModule).
    if (isBlocked) this.metrics.rateLimited('address');
    return { totalHits: hits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }
}
