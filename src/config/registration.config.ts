import { registerAs } from '@nestjs/config';
import { loadEnvironment } from './env.validation';

/** Clients that register themselves: RFC 7591/7592 and Client ID Metadata Documents. */
export const registrationConfig = registerAs('registration', () => {
  const env = loadEnvironment();
  return {
    policy: env.REGISTRATION,
    unusedClientTtlSeconds: env.REGISTRATION_UNUSED_CLIENT_TTL_SECONDS,
    registrationsPerHourPerAddress: env.RATE_LIMIT_REGISTRATIONS_PER_HOUR,
    areMetadataDocumentsEnabled: env.CLIENT_ID_METADATA_DOCUMENTS,
  };
});

export type RegistrationConfig = ReturnType<typeof registrationConfig>;
