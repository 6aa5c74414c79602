import { OAuthError } from '../../common/oauth/oauth.error';
import { formatScope, isSubsetOf, parseScope } from '../../common/oauth/scopes';

/**
 * The scope to grant: the requested one if every value is within `allowed`, or all of `allowed` when
 * none is requested (PRODUCT.md; RFC 6749 §3.3). Anything else is invalid_scope. `allowed` holds only
 * known scopes: ClientsService registers a client only for scopes of the ScopeCatalog.
 */
export function resolveRequestedScope(requested: string | undefined, allowed: string): string {
  const allowedScopes = parseScope(allowed) ?? [];
  if (requested === undefined) return formatScope(allowedScopes);
  const scopes = parseScope(requested);
  if (!scopes || scopes.length === 0) throw new OAuthError('invalid_scope', 'The scope is malformed');
  if (!isSubsetOf(scopes, allowedScopes)) {
    throw new OAuthError('invalid_scope', 'The requested scope is unknown or not allowed');
  }
  return formatScope(scopes);
}
