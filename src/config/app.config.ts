import { registerAs } from '@nestjs/config';
import { loadEnvironment } from './env.validation';

/** HTTP server and process settings. */
export const appConfig = registerAs('app', () => {
  const env = loadEnvironment();
  return {
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    trustProxy: env.TRUST_PROXY,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    cleanupIntervalSeconds: env.CLEANUP_INTERVAL_SECONDS,
    cleanupBatchSize: env.CLEANUP_BATCH_SIZE,
    cleanupMaxBatches: env.CLEANUP_MAX_BATCHES,
    brand: { name: env.BRAND_NAME, logoUrl: env.BRAND_LOGO_URL, color: env.BRAND_COLOR },
  };
});

export type AppConfig = ReturnType<typeof appConfig>;
