import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { fetchConfig } from '../../config/fetch.config';
import { SafeFetcher } from './safe-fetcher';

/** The one SSRF-safe fetcher, for every module that fetches a URL a client chose; tests override it. */
@Global()
@Module({
  providers: [
    {
      provide: SafeFetcher,
      inject: [fetchConfig.KEY],
      useFactory: (settings: ConfigType<typeof fetchConfig>) =>
        new SafeFetcher({ allowHttpLoopback: settings.allowHttpLoopback }),
    },
  ],
  exports: [SafeFetcher],
})
export class SafeFetchModule {}
