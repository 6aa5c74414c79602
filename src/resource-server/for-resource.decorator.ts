import { ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { ProtectedResource, ResourceCatalog } from '../resources/resource-catalog';
import { protectedResourceMetadataUrl } from './protected-resource-metadata';

const FOR_RESOURCE_KEY = 'tollgate:for-resource';

/**
 * The resource a controller (or route) serves: BearerAuthGuard accepts only tokens whose `aud`
 * names it (RFC 8707, RFC 9068 §4), and its challenges point to that resource's metadata (RFC 9728 §5.1).
 */
export const ForResource = (declaration: Pick<ProtectedResource, 'resource'>) =>
  SetMetadata(FOR_RESOURCE_KEY, declaration);

export interface ServedResource {
  identifier: string;
  metadataUrl: string;
}

/** The resource a route serves; a route behind the bearer kit without @ForResource is a wiring bug. */
export function servedResourceOf(
  context: ExecutionContext,
  reflector: Reflector,
  catalog: Pick<ResourceCatalog, 'identifierOf'>,
): ServedResource {
  const declaration = reflector.getAllAndOverride<Pick<ProtectedResource, 'resource'> | undefined>(FOR_RESOURCE_KEY, [
    context.getHandler(),
    context.getClass(),
  ]);
  // Fail closed: a guarded route must say which tokens it is for.
  if (!declaration) throw new Error(`${context.getClass().name} is guarded but has no @ForResource`);
  const identifier = catalog.identifierOf(declaration);
  return { identifier, metadataUrl: protectedResourceMetadataUrl(identifier) };
}
