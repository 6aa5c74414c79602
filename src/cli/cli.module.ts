import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ClientsModule } from '../clients/clients.module';
import { ResourcesModule } from '../resources/resources.module';
import { ResourceCatalogModule } from '../resources/resource-catalog.module';
import { AddressThrottlerModule, ThrottlingModule } from '../common/throttling/throttling.module';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { MaintenanceModule } from '../maintenance/maintenance.module';
import { builtInResources, PROTECTED_APIS } from '../protected-apis';
import { RegistrationModule } from '../registration/registration.module';
import { SafeFetchModule } from '../common/http/safe-fetch.module';
import { MetricsModule } from '../metrics/metrics.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';

/** The admin CLI's slice of the app: the same services and scope catalog, no HTTP (no API modules). */
@Module({
  imports: [
    AppConfigModule,
    SafeFetchModule,
    MetricsModule,
    ThrottlingModule,
    AddressThrottlerModule,
    DatabaseModule,
    AuditModule,
    ResourceCatalogModule.forRoot(builtInResources(PROTECTED_APIS)),
    ClientsModule,
    ResourcesModule,
    UsersModule,
    TokensModule,
    MaintenanceModule,
    RegistrationModule,
  ],
})
export class CliModule {}
