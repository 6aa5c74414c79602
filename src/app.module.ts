import { Module, ModuleMetadata } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuditModule } from './audit/audit.module';
import { ClientsModule } from './clients/clients.module';
import { LoggingModule } from './common/logging/logging.module';
import { SafeFetchModule } from './common/http/safe-fetch.module';
import { OAuthExceptionFilter } from './common/oauth/oauth-exception.filter';
import { ResourcesModule } from './resources/resources.module';
import { ResourceCatalogModule } from './resources/resource-catalog.module';
import { AddressThrottlerModule, ThrottlingModule } from './common/throttling/throttling.module';
import { AppConfigModule } from './config/config.module';
import { ConsentModule } from './consent/consent.module';
import { DatabaseModule } from './database/database.module';
import { DiscoveryModule } from './discovery/discovery.module';
import { HealthModule } from './health/health.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { builtInResources, PROTECTED_APIS, ProtectedApi, protectedApiModule } from './protected-apis';
import { RegistrationModule } from './registration/registration.module';
import { RegistrationEndpointsModule } from './registration/registration-endpoints.module';
import { MetricsModule } from './metrics/metrics.module';
import { MetricsServerModule } from './metrics/metrics-server.module';
import { TokensModule } from './tokens/tokens.module';
import { TokenEndpointsModule } from './tokens/token-endpoints.module';
import { UsersModule } from './users/users.module';
import { OidcModule } from './oidc/oidc.module';

/** The server around a list of protected APIs; a test that hosts an API of its own passes its list. */
export function appModuleMetadata(apis: readonly ProtectedApi[]): ModuleMetadata {
  return {
    imports: [
      AppConfigModule,
      LoggingModule,
      SafeFetchModule,
      MetricsModule,
      ThrottlingModule,
      AddressThrottlerModule,
      DatabaseModule,
      AuditModule,
      ResourceCatalogModule.forRoot(builtInResources(apis)),
      ClientsModule,
      ResourcesModule,
      UsersModule,
      TokensModule,
      TokenEndpointsModule,
      ConsentModule,
      DiscoveryModule,
      OidcModule,
      RegistrationModule,
      RegistrationEndpointsModule,
      ...apis.map(protectedApiModule),
      HealthModule,
      MaintenanceModule,
      MetricsServerModule,
    ],
    providers: [{ provide: APP_FILTER, useClass: OAuthExceptionFilter }],
  };
}

@Module(appModuleMetadata(PROTECTED_APIS))
export class AppModule {}
