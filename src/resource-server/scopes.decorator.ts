import { applyDecorators, SetMetadata } from '@nestjs/common';

export const REQUIRED_SCOPES_KEY = 'tollgate:required-scopes';
export const ALLOW_CLIENT_TOKENS_KEY = 'tollgate:allow-client-tokens';
export const CLIENT_TOKENS_ONLY_KEY = 'tollgate:client-tokens-only';

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

/**
 * Serves only client-credentials tokens (no user), for APIs a client uses on its own behalf such as
 * the admin API: a token issued for a user is refused even if it somehow carries the scope.
 */
export const ClientTokensOnly = () =>
  applyDecorators(SetMetadata(ALLOW_CLIENT_TOKENS_KEY, true), SetMetadata(CLIENT_TOKENS_ONLY_KEY, true));
