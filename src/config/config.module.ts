import { ConfigModule } from '@nestjs/config';
import { appConfig } from './app.config';
import { databaseConfig } from './database.config';
import { fetchConfig } from './fetch.config';
import { limitsConfig } from './limits.config';
import { passwordConfig } from './password.config';
import { registrationConfig } from './registration.config';
import { oauthConfig } from './oauth.config';
import { operationsConfig } from './operations.config';

/** Typed, validated settings for the whole app; inject with `@Inject(oauthConfig.KEY)`. */
export const AppConfigModule = ConfigModule.forRoot({
  isGlobal: true,
  ignoreEnvFile: true,
  load: [
    appConfig,
    oauthConfig,
    databaseConfig,
    limitsConfig,
    passwordConfig,
    fetchConfig,
    registrationConfig,
    operationsConfig,
  ],
});
