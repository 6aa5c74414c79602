import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProtectedResource, RESOURCE_DECLARATIONS, ResourceCatalog } from './resource-catalog';
import { ResourceEntity } from './resource.entity';

/**
 * Provides the ResourceCatalog app-wide. Global, because the modules that read it (clients, consent,
 * tokens, discovery, the resource server) sit below the API modules that declare the built-in resources.
 */
@Module({})
export class ResourceCatalogModule {
  static forRoot(declarations: readonly ProtectedResource[]): DynamicModule {
    return {
      module: ResourceCatalogModule,
      global: true,
      imports: [TypeOrmModule.forFeature([ResourceEntity])],
      providers: [{ provide: RESOURCE_DECLARATIONS, useValue: declarations }, ResourceCatalog],
      exports: [ResourceCatalog],
    };
  }
}
