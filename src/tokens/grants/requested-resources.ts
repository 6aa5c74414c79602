import { Injectable } from '@nestjs/common';
import type { ClientEntity } from '../../clients/client.entity';
import { OAuthError } from '../../common/oauth/oauth.error';
import { ResourceCatalog } from '../../resources/resource-catalog';
import { resolveResourceIndicators, scopeWithin } from '../../resources/resource-indicators';
import { resolveRequestedScope } from './requested-scope';

/** RFC 8707 at the token endpoint: which resources a token is for, and which scopes go with them. */
@Injectable()
export class RequestedResources {
  constructor(private readonly catalog: ResourceCatalog) {}

  /** The resources of the token; `granted` are the authorization's (omitted: the default resource). */
  async resolve(
    client: Pick<ClientEntity, 'resources'>,
    requested: readonly string[] | undefined,
    granted?: readonly string[],
  ): Promise<string[]> {
    const resolution = await resolveResourceIndicators(this.catalog, client, requested, granted);
    // RFC 8707 §2: an unacceptable resource is invalid_target.
    if ('problem' in resolution) throw OAuthError.invalidTarget(resolution.problem);
    return resolution.resources;
  }

  /** RFC 6749 §4.4: the resources of a client-credentials token, which alone may be client-credentials-only ones. */
  async resolveForClient(client: Pick<ClientEntity, 'resources'>, requested: readonly string[] | undefined) {
    const resolution = await resolveResourceIndicators(this.catalog, client, requested, undefined, true);
    if ('problem' in resolution) throw OAuthError.invalidTarget(resolution.problem);
    return resolution.resources;
  }

  /** An authorization from before resources were recorded was for the default resource. */
  grantedOf(granted: readonly string[] | null): readonly string[] {
    return granted ?? [this.catalog.defaultResource];
  }

  /**
   * The token's scope: the requested one (or, when none is requested, all of `allowed`) within the
   * scopes of its resources (PRODUCT.md: scopes belong to resources); anything else is invalid_scope.
   */
  scopeFor(resources: readonly string[], allowed: string, requested?: string): string {
    return resolveRequestedScope(requested, scopeWithin(this.catalog, resources, allowed));
  }
}
