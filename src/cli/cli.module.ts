import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ClientsModule } from '../clients/clients.module';
import { ResourcesModule } from '../resources/resources.module';
import { ResourceCatalogModule } from '../resources/resource-catalog.module';
import { AddressThrottlerModule, ThrottlingModule } from '../common/throttling/throttling.module';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { MaintenanceModule } from '../maintenance/maintenance.module';
import { MetricsModule } from '../metrics/metrics.module';
import { PROTECTED_APIS } from '../protected-apis';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';

/** The admin CLI's slice of the app: the same services and scope catalog, no HTTP (no API modules). */
@Module({
  imports: [
    AppConfigModule,
    MetricsModule,
    ThrottlingModule,
    AddressThrottlerModule,
    DatabaseModule,
    AuditModule,
    ResourceCatalogModule.forRoot(PROTECTED_APIS.map((api) => api.resource)),
    ClientsModule,
    ResourcesModule,
    UsersModule,
    TokensModule,
    MaintenanceModule,
  ],
})
export class CliModule {}
