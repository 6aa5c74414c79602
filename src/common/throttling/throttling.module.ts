import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttemptLimiter } from './attempt-limiter.service';
import { RateLimitEntity } from './rate-limit.entity';
import type { ConfigType } from '@nestjs/config';
import { limitsConfig } from '../../config/limits.config';
import { DatabaseRateLimitStore, RateLimitStore } from './rate-limit.store';
import { RedisRateLimitStore } from './redis-rate-limit.store';
import { RequestRateLimiter } from './request-rate-limiter.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([RateLimitEntity])],
  providers: [
    AttemptLimiter,
    RequestRateLimiter,
    DatabaseRateLimitStore,
    {
      provide: RateLimitStore,
      inject: [limitsConfig.KEY, DatabaseRateLimitStore],
      useFactory: (limits: ConfigType<typeof limitsConfig>, database: DatabaseRateLimitStore) =>
        limits.store === 'redis' ? new RedisRateLimitStore(limits.redisUrl) : database,
    },
  ],
  exports: [AttemptLimiter, RateLimitStore, RequestRateLimiter],
})
export class ThrottlingModule {}
