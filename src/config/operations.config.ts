import { registerAs } from '@nestjs/config';
import { loadEnvironment } from './env.validation';

/** Monitoring and audit: the metrics listener and how long audit events are kept. */
export const operationsConfig = registerAs('operations', () => {
  const env = loadEnvironment();
  return {
    /** 0: no metrics listener. */
    metricsPort: env.METRICS_PORT,
    metricsHost: env.METRICS_HOST,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
  };
});

export type OperationsConfig = ReturnType<typeof operationsConfig>;
