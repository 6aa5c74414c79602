import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { AddressThrottlerModule, ThrottlingModule } from '../common/throttling/throttling.module';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { MaintenanceModule } from '../maintenance/maintenance.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';

/** The admin CLI's slice of the app: the same services, no HTTP. */
@Module({
  imports: [
    AppConfigModule,
    ThrottlingModule,
    AddressThrottlerModule,
    DatabaseModule,
    ClientsModule,
    UsersModule,
    TokensModule,
    MaintenanceModule,
  ],
})
export class CliModule {}
