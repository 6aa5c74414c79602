import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { SessionCleanupModule } from '../consent/session-cleanup.module';
import { RegistrationModule } from '../registration/registration.module';
import { TokensModule } from '../tokens/tokens.module';
import { MaintenanceService } from './maintenance.service';

@Module({
  imports: [TokensModule, SessionCleanupModule, ClientsModule, RegistrationModule],
  providers: [MaintenanceService],
  exports: [MaintenanceService],
})
export class MaintenanceModule {}
