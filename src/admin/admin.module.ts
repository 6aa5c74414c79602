import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { ResourceServerModule } from '../resource-server/resource-server.module';
import { ResourcesModule } from '../resources/resources.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AdminController } from './admin.controller';

/** The admin REST API (`/admin`), a protected API like the others. Its resource and scope: admin.resource.ts. */
@Module({
  imports: [ResourceServerModule, ClientsModule, UsersModule, ResourcesModule, TokensModule],
  controllers: [AdminController],
})
export class AdminModule {}
