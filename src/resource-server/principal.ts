import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { OAuthError } from '../common/oauth/oauth.error';
import type { ActorClaim } from '../tokens/access-token-claims';

/** Who a verified access token speaks for: what the bearer guard puts on `request.user`. */
export interface Principal {
  /** The resource owner (`sub`); null for a client-credentials token, which acts for no user. */
  userId: string | null;
  clientId: string;
  scopes: readonly string[];
  /** The resources the token is for (`aud`, RFC 8707). */
  audiences: readonly string[];
  jti: string;
  expiresAt: Date;
  /** RFC 8693 §4.1: who acts on the subject's behalf (a token from token exchange); absent otherwise. */
  act?: ActorClaim;
}

function principalOf(context: ExecutionContext): Principal | undefined {
  return context.switchToHttp().getRequest<{ user?: Principal }>().user;
}

/** The verified token's principal; use behind BearerAuthGuard. */
export const Principal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = principalOf(context);
  // Fail closed: a route that reads the principal without the bearer guard is a wiring bug.
  if (!principal) throw new Error('@Principal() used on a route without BearerAuthGuard');
  return principal;
});

/** The id of the token's user; use behind ScopesGuard, which refuses tokens without a user. */
export const UserId = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const principal = principalOf(context);
  if (!principal) throw new Error('@UserId() used on a route without BearerAuthGuard');
  if (principal.userId === null) {
    throw new OAuthError('insufficient_scope', 'This resource needs an access token issued for a user', {
      challenge: 'Bearer',
    });
  }
  return principal.userId;
});
