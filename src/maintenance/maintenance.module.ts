import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { ConsentModule } from '../consent/consent.module';
import { RegistrationModule } from '../registration/registration.module';
import { TokensModule } from '../tokens/tokens.module';
import { MaintenanceService } from './maintenance.service';

@Module({
  imports: [TokensModule, ConsentModule, ClientsModule, RegistrationModule],
  providers: [MaintenanceService],
  exports: [MaintenanceService],
})
export class MaintenanceModule {}
