import { parseScope } from './scopes';

/**
 * What a protected API declares about itself, as a plain constant in its own folder: the resource
 * its tokens are for, a name, and every scope it checks with the description the consent page shows.
 */
export interface ProtectedResource {
  /**
   * The resource (RFC 9728 §2 `resource`), as the oauthConfig key of its URI: every access token
   * carries the one audience configured by RESOURCE_AUDIENCE until tokens can name a resource (RFC 8707).
   */
  resource: 'resourceAudience';
  /** RFC 9728 §2 `resource_name`. */
  name: string;
  /** Scope → what it lets a client do, in words for the resource owner. */
  scopes: Readonly<Record<string, string>>;
}

/** Every scope the server knows: the union of the protected resources' declarations. */
export class ScopeCatalog {
  private readonly descriptions = new Map<string, string>();

  constructor(readonly resources: readonly ProtectedResource[]) {
    const owners = new Map<string, string>();
    for (const resource of resources) {
      for (const [scope, description] of Object.entries(resource.scopes)) {
        // RFC 6749 §3.3: each declared scope must be one scope-token.
        if (parseScope(scope)?.length !== 1) throw new Error(`${resource.name} declares a malformed scope "${scope}"`);
        const owner = owners.get(scope);
        // Two APIs cannot both own a scope: a token granted for one would be accepted by the other.
        if (owner !== undefined) throw new Error(`the scope "${scope}" is declared by ${owner} and ${resource.name}`);
        owners.set(scope, resource.name);
        this.descriptions.set(scope, description);
      }
    }
  }

  /** All scopes, in declaration order. */
  get scopes(): string[] {
    return [...this.descriptions.keys()];
  }

  isKnown(scope: string): boolean {
    return this.descriptions.has(scope);
  }

  /** The words the consent and account pages show for a scope; the scope itself if it has none. */
  describe(scope: string): string {
    return this.descriptions.get(scope) ?? scope;
  }

  /** The scopes of the resources with this `resource` (RFC 9728 §2 `scopes_supported`). */
  scopesOf(resource: ProtectedResource['resource']): string[] {
    return this.resources.filter((entry) => entry.resource === resource).flatMap((entry) => Object.keys(entry.scopes));
  }
}
