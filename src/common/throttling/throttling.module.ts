import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttemptLimiter } from './attempt-limiter.service';
import { RateLimitEntity } from './rate-limit.entity';
import { RateLimitStore } from './rate-limit.store';
import { RequestRateLimiter } from './request-rate-limiter.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([RateLimitEntity])],
  providers: [AttemptLimiter, RateLimitStore, RequestRateLimiter],
  exports: [AttemptLimiter, RateLimitStore, RequestRateLimiter],
})
export class ThrottlingModule {}
