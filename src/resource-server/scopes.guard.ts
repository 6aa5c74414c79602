import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OAuthError } from '../common/oauth/oauth.error';
import type { ServedResource } from './for-resource.decorator';
import type { Principal } from './principal';
import { ALLOW_CLIENT_TOKENS_KEY, CLIENT_TOKENS_ONLY_KEY, REQUIRED_SCOPES_KEY } from './scopes.decorator';

/** Checks the verified token's scopes against `@RequireScopes(...)`; runs after BearerAuthGuard. */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    try {
      return this.check(context);
    } catch (error) {
      // RFC 9728 §5.1: a step-up challenge points to the metadata of the resource that asks for it.
      const served = context.switchToHttp().getRequest<{ servedResource?: ServedResource }>().servedResource;
      throw error instanceof OAuthError && served ? error.forResource(served.metadataUrl) : error;
    }
  }

  private check(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const declared = this.reflector.getAll<Array<string[] | undefined>>(REQUIRED_SCOPES_KEY, targets);
    // Fail closed: a route behind this guard that does not say which scopes it needs is a wiring bug.
    if (declared.every((scopes) => scopes === undefined)) {
      throw new Error(`${context.getClass().name}.${context.getHandler().name} has ScopesGuard but no @RequireScopes`);
    }
    const required = [...new Set(declared.flatMap((scopes) => scopes ?? []))];
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!principal) throw new Error('ScopesGuard runs after BearerAuthGuard, which sets the principal');

    const scope = required.length > 0 ? required.join(' ') : undefined;
    const allowsClientTokens = this.reflector.getAllAndOverride<boolean | undefined>(ALLOW_CLIENT_TOKENS_KEY, targets);
    // RFC 6750 §3.1: the token is valid but does not carry the privilege of acting for a user.
    if (principal.userId === null && !allowsClientTokens) {
      throw new OAuthError(
        'insufficient_scope',
        'This resource needs an access token issued for a user; a client-credentials token acts for none',
        { challenge: 'Bearer', scope },
      );
    }
    // RFC 6750 §3.1: a user's token does not carry the privilege of a client acting for itself.
    if (
      principal.userId !== null &&
      this.reflector.getAllAndOverride<boolean | undefined>(CLIENT_TOKENS_ONLY_KEY, targets)
    ) {
      throw new OAuthError(
        'insufficient_scope',
        'This resource needs a client-credentials access token; a token issued for a user is refused',
        { challenge: 'Bearer', scope },
      );
    }
    const missing = required.filter((needed) => !principal.scopes.includes(needed));
    if (missing.length > 0) {
      // RFC 6750 §3: the scope attribute names the scope the resource needs.
      throw new OAuthError('insufficient_scope', `The access token lacks the scope ${missing.join(' ')}`, {
        challenge: 'Bearer',
        scope,
      });
    }
    return true;
  }
}
