import { registerAs } from '@nestjs/config';
import { loadEnvironment } from './env.validation';

/** argon2id parameters for new password hashes; older hashes are upgraded at the next sign-in. */
export const passwordConfig = registerAs('password', () => {
  const env = loadEnvironment();
  return {
    memoryCost: env.PASSWORD_HASH_MEMORY_KIB,
    timeCost: env.PASSWORD_HASH_ITERATIONS,
    parallelism: env.PASSWORD_HASH_PARALLELISM,
    concurrency: env.PASSWORD_HASH_CONCURRENCY,
  };
});
