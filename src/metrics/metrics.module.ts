import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics.service';

/** The instruments every module counts with (global: throttling, clients, users and tokens all count). */
@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
