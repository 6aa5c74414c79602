import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientAuthenticationService } from './client-authentication.service';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';

@Module({
  imports: [TypeOrmModule.forFeature([ClientEntity])],
  providers: [ClientsService, ClientAuthenticationService],
  exports: [ClientsService, ClientAuthenticationService],
})
export class ClientsModule {}
