import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttemptLimiter } from './attempt-limiter.service';
import { RateLimitEntity } from './rate-limit.entity';
import type { ConfigType } from '@nestjs/config';
import { limitsConfig } from '../../config/limits.config';
import { DatabaseRateLimitStore, RateLimitStore } from './rate-limit.store';
import type { RedisRateLimitStore } from './redis-rate-limit.store';
import { SharedThrottlerStorage } from './shared-throttler.storage';
import { RequestRateLimiter } from './request-rate-limiter.service';
import { Throttle } from './throttle.service';

/** The Redis store and its client, loaded only when configured (a SQLite server and the CLI skip ioredis). */
function loadRedisStore(): typeof RedisRateLimitStore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use
  return (require('./redis-rate-limit.store') as typeof import('./redis-rate-limit.store')).RedisRateLimitStore;
}

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([RateLimitEntity])],
  providers: [
    AttemptLimiter,
    RequestRateLimiter,
    Throttle,
    SharedThrottlerStorage,
    DatabaseRateLimitStore,
    {
      provide: RateLimitStore,
      inject: [limitsConfig.KEY, DatabaseRateLimitStore],
      useFactory: (limits: ConfigType<typeof limitsConfig>, database: DatabaseRateLimitStore) =>
        limits.store === 'redis' ? new (loadRedisStore())(limits.redisUrl) : database,
    },
  ],
  exports: [AttemptLimiter, RateLimitStore, RequestRateLimiter, Throttle, SharedThrottlerStorage],
})
export class ThrottlingModule {}

/** Per-address request budget on the endpoints that take credentials (`@UseGuards(ThrottlerGuard)`). */
export const AddressThrottlerModule = ThrottlerModule.forRootAsync({
  inject: [limitsConfig.KEY, SharedThrottlerStorage],
  useFactory: (limits: ConfigType<typeof limitsConfig>, storage: SharedThrottlerStorage) => ({
    throttlers: [{ ttl: 60_000, limit: limits.requestsPerMinutePerAddress }],
    storage,
    skipIf: () => !limits.isEnabled,
  }),
});
