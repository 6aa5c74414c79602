import { DynamicModule, Module } from '@nestjs/common';
import { ProtectedResource, ScopeCatalog } from './scope-catalog';

/**
 * Provides the ScopeCatalog app-wide. Global, because the modules that read it (clients, consent,
 * discovery, the resource server) sit below the API modules that declare the scopes.
 */
@Module({})
export class ScopeCatalogModule {
  static forRoot(resources: readonly ProtectedResource[]): DynamicModule {
    return {
      module: ScopeCatalogModule,
      global: true,
      providers: [{ provide: ScopeCatalog, useValue: new ScopeCatalog(resources) }],
      exports: [ScopeCatalog],
    };
  }
}
