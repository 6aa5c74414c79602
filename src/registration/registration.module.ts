import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { RegistrationTokenEntity } from './registration-token.entity';
import { RegisteredClientsCleanup } from './registered-clients-cleanup.service';
import { RegistrationTokensService } from './registration-tokens.service';
import { RegistrationService } from './registration.service';

/** Clients that register themselves: RFC 7591 registration, RFC 7592 management, initial access tokens. */
@Module({
  imports: [TypeOrmModule.forFeature([RegistrationTokenEntity]), ClientsModule],
  providers: [RegistrationService, RegistrationTokensService, RegisteredClientsCleanup],
  exports: [RegistrationService, RegistrationTokensService, RegisteredClientsCleanup],
})
export class RegistrationModule {}
