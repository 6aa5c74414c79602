import { SetMetadata } from '@nestjs/common';

export const REQUIRED_SCOPES_KEY = 'tollgate:required-scopes';
export const ALLOW_CLIENT_TOKENS_KEY = 'tollgate:allow-client-tokens';

/**
 * The scopes a route needs, all of them (on a controller and a handler, both lists apply).
 * Every route behind ScopesGuard must carry it; `@RequireScopes()` with no scope admits any
 * valid token for this resource.
 */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES_KEY, scopes);

/**
 * Lets client-credentials tokens (no user) through ScopesGuard, for machine-to-machine routes.
 * Without it, a route serves only tokens issued for a user.
 */
export const AllowClientTokens = () => SetMetadata(ALLOW_CLIENT_TOKENS_KEY, true);
