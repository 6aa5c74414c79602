import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ClientsModule } from './clients/clients.module';
import { LoggingModule } from './common/logging/logging.module';
import { OAuthExceptionFilter } from './common/oauth/oauth-exception.filter';
import { AddressThrottlerModule, ThrottlingModule } from './common/throttling/throttling.module';
import { AppConfigModule } from './config/config.module';
import { ConsentModule } from './consent/consent.module';
import { DatabaseModule } from './database/database.module';
import { DiscoveryModule } from './discovery/discovery.module';
import { HealthModule } from './health/health.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { TokensModule } from './tokens/tokens.module';
import { UserDataModule } from './user-data/user-data.module';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    AppConfigModule,
    LoggingModule,
    ThrottlingModule,
    AddressThrottlerModule,
    DatabaseModule,
    ClientsModule,
    UsersModule,
    TokensModule,
    ConsentModule,
    DiscoveryModule,
    UserDataModule,
    HealthModule,
    MaintenanceModule,
  ],
  providers: [{ provide: APP_FILTER, useClass: OAuthExceptionFilter }],
})
export class AppModule {}
