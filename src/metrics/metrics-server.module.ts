import { Module } from '@nestjs/common';
import { MetricsServer } from './metrics-server';

/** The `/metrics` listener: part of the server, not of the CLI. */
@Module({ providers: [MetricsServer], exports: [MetricsServer] })
export class MetricsServerModule {}
