import { registerAs } from '@nestjs/config';
import { Environment, loadEnvironment } from './env.validation';

/** Which database, and how to reach it. */
export function toDatabaseConfig(env: Environment) {
  return {
    url: env.DATABASE_URL,
    migrationsRun: env.DB_MIGRATIONS_RUN,
    poolSize: env.DB_POOL_SIZE,
    connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: env.DB_QUERY_TIMEOUT_MS,
    acquireTimeoutMs: env.DB_ACQUIRE_TIMEOUT_MS,
  };
}

export const databaseConfig = registerAs('database', () => toDatabaseConfig(loadEnvironment()));

export type DatabaseConfig = ReturnType<typeof toDatabaseConfig>;
