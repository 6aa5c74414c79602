import { Global, Module } from '@nestjs/common';
import { AttemptLimiter } from './attempt-limiter.service';

@Global()
@Module({
  providers: [AttemptLimiter],
  exports: [AttemptLimiter],
})
export class ThrottlingModule {}
