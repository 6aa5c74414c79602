import { registerAs } from '@nestjs/config';
import { loadEnvironment } from './env.validation';

/** Outbound fetches of URLs that clients choose (metadata documents, JWKS). */
export const fetchConfig = registerAs('fetch', () => {
  const env = loadEnvironment();
  return {
    /** Tests and local development only: documents on loopback addresses, over http or https. */
    allowHttpLoopback: env.CIMD_ALLOW_HTTP_LOOPBACK,
  };
});

export type FetchConfig = ReturnType<typeof fetchConfig>;
