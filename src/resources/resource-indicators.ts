import { formatScope, parseScope } from '../common/oauth/scopes';
import type { ResourceCatalog } from './resource-catalog';
import { resourceIdentifierProblem } from './resource-identifier';

/** How many `resource` parameters one request may carry. */
export const MAX_RESOURCES_PER_REQUEST = 10;

export type ResourceResolution = { resources: string[] } | { problem: string };

/**
 * RFC 8707 §2: the resources a request is for. Omitted, they are the grant's (`granted`, at a code
 * redemption or a refresh) or the default resource. Each named one must be an absolute URI without
 * fragment, known, allowed for the client, and within `granted` when there is one (a token request
 * narrows, never widens). A problem is reported as `invalid_target`.
 */
export async function resolveResourceIndicators(
  catalog: Pick<ResourceCatalog, 'find' | 'defaultResource' | 'serverResource'>,
  client: { resources: readonly string[] | null },
  requested: readonly string[] | undefined,
  granted?: readonly string[],
  /** True only for RFC 6749 §4.4 client credentials: a token the client asks for itself. */
  isClientCredentials = false,
): Promise<ResourceResolution> {
  const resources = requested?.length ? [...new Set(requested)] : granted ? [...granted] : [catalog.defaultResource];
  if (resources.length > MAX_RESOURCES_PER_REQUEST) {
    return { problem: `At most ${MAX_RESOURCES_PER_REQUEST} resources may be requested at once.` };
  }
  for (const identifier of resources) {
    const problem = resourceIdentifierProblem(identifier);
    if (problem) return { problem: `A resource ${problem}.` };
    if (granted && !granted.includes(identifier)) {
      return { problem: 'A token request may narrow the resources of its authorization, never widen them.' };
    }
    const resource = await catalog.find(identifier);
    if (!resource) return { problem: 'The resource is unknown.' };
    // Such a resource (the admin API) never takes a token issued for a user, whatever the client holds.
    if (resource.isClientCredentialsOnly && !isClientCredentials) {
      return { problem: 'The resource accepts only tokens a client requests for itself (client_credentials).' };
    }
    // The server's own resource (UserInfo) is every client's: its scopes are registered per client.
    if (client.resources !== null && !client.resources.includes(identifier) && identifier !== catalog.serverResource) {
      return { problem: 'The client may not ask for tokens for this resource.' };
    }
  }
  return { resources };
}

/** The scopes of `scope` (a scope string) that belong to one of the resources. */
export function scopeWithin(
  catalog: Pick<ResourceCatalog, 'scopesOf'>,
  resources: readonly string[],
  scope: string,
): string {
  const offered = new Set(catalog.scopesOf(resources));
  return formatScope((parseScope(scope) ?? []).filter((entry) => offered.has(entry)));
}
