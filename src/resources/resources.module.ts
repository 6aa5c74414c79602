import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { ResourceEntity } from './resource.entity';
import { ResourcesService } from './resources.service';

/** Registering resources (the catalog itself is ResourceCatalogModule, global, below the clients). */
@Module({
  imports: [TypeOrmModule.forFeature([ResourceEntity]), ClientsModule],
  providers: [ResourcesService],
  exports: [ResourcesService],
})
export class ResourcesModule {}
