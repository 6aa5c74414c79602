import { registerAs } from '@nestjs/config';
import { loadEnvironment } from './env.validation';

/** Rate limits: generous for honest traffic, tight on failures. */
export const limitsConfig = registerAs('limits', () => {
  const env = loadEnvironment();
  return {
    isEnabled: env.RATE_LIMIT_ENABLED,
    store: env.RATE_LIMIT_STORE,
    redisUrl: env.REDIS_URL,
    tokenRequestsPerMinute: env.RATE_LIMIT_TOKEN_PER_MINUTE,
    requestsPerMinutePerAddress: env.RATE_LIMIT_REQUESTS_PER_MINUTE_PER_ADDRESS,
    clientAuthFailuresPerMinute: env.RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_MINUTE,
    loginFailuresPer15Minutes: env.RATE_LIMIT_LOGIN_FAILURES_PER_15_MINUTES,
    userCodeFailuresPerAddress: env.RATE_LIMIT_USER_CODE_FAILURES_PER_ADDRESS,
    introspectionMissesPerMinute: env.RATE_LIMIT_INTROSPECTION_MISSES_PER_MINUTE,
    anonymousSessionsPerAddress: env.RATE_LIMIT_ANONYMOUS_SESSIONS_PER_ADDRESS,
  };
});

export type LimitsConfig = ReturnType<typeof limitsConfig>;
