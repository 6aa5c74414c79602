import { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimitStore, SharedWindow } from './rate-limit.store';

/**
 * One round trip, atomic on the server: add the hits, start the window's expiry with the first
 * hit, and answer the total and the time left.
 */
const INCREMENT_SCRIPT = `
local hits = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {hits, ttl}
`;

/** Rate-limit windows in Redis; keys expire with their window, so there is nothing to clean up. */
export class RedisRateLimitStore extends RateLimitStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RedisRateLimitStore.name);
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'tollgate:rate-limit:',
  ) {
    super();
    // Fail fast while Redis is away: the limiter keeps counting locally and retries later.
    this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    this.redis.on('error', (error: Error) => this.logger.warn({ err: error }, 'redis unavailable'));
  }

  /** Connects before the app serves; an unreachable Redis is logged and retried, not fatal. */
  async onModuleInit(): Promise<void> {
    await this.redis.connect().catch((error: unknown) => this.logger.warn({ err: error }, 'redis unavailable at boot'));
  }

  async increment(key: string, windowSeconds: number, now: number, by = 1): Promise<SharedWindow> {
    const [hits, ttl] = (await this.redis.eval(
      INCREMENT_SCRIPT,
      1,
      this.prefix + key,
      String(by),
      String(windowSeconds * 1000),
    )) as [number, number];
    return { hits: Number(hits), windowEndsMs: now + Number(ttl) };
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async deleteEnded(): Promise<number> {
    return 0;
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
