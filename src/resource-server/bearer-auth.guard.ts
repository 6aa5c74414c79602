import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { OAuthError } from '../common/oauth/oauth.error';
import { ResourceCatalog } from '../resources/resource-catalog';
import { ServedResource, servedResourceOf } from './for-resource.decorator';
import type { Principal } from './principal';

/** RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

interface BearerRequest {
  headers: { authorization?: string };
  query?: unknown;
  body?: unknown;
}

function hasAccessTokenParameter(source: unknown): boolean {
  return typeof source === 'object' && source !== null && Object.hasOwn(source, 'access_token');
}

/** RFC 6750 §3.1: a request without (usable) credentials gets a challenge with no error code. */
function noCredentials(): OAuthError {
  return new OAuthError('invalid_token', 'Send an access token in the Authorization header: Bearer <token>', {
    challenge: 'Bearer',
    isBareChallenge: true,
  });
}

function malformed(description: string): OAuthError {
  return new OAuthError('invalid_request', description, { challenge: 'Bearer' });
}

/**
 * The access token of a request, from the Authorization header only; throws OAuthError otherwise.
 * The scheme is case-insensitive (RFC 9110 §11.1). Tokens in the query string or a form body are
 * not accepted (RFC 9700 §4.3.2; RFC 6750 §2.3 discourages them), so alone they count as no credentials.
 */
export function readBearerToken(request: BearerRequest): string {
  const header = request.headers.authorization;
  if (!header) throw noCredentials();
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  // RFC 6750 §3.1: another scheme (Basic, …) is not an attempt at bearer authentication.
  if (scheme.toLowerCase() !== 'bearer') throw noCredentials();
  const token = space < 0 ? '' : header.slice(space + 1);
  // RFC 6750 §2.1; one space between scheme and token, as passport-http-bearer requires.
  if (!B64TOKEN.test(token)) {
    throw malformed('The Authorization header must be: Bearer, one space, one access token');
  }
  // RFC 6750 §2: a client must not use more than one method to send the token.
  if (hasAccessTokenParameter(request.query) || hasAccessTokenParameter(request.body)) {
    throw malformed('Send the access token in the Authorization header only');
  }
  return token;
}

/**
 * Authenticates a request by its bearer access token and puts the Principal on `request.user`.
 * Pair it with ScopesGuard: `@UseGuards(BearerAuthGuard, ScopesGuard)`.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard('bearer') {
  constructor(
    private readonly reflector: Reflector,
    private readonly catalog: ResourceCatalog,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const resource = this.servedResourceOf(context);
    try {
      const request = context
        .switchToHttp()
        .getRequest<BearerRequest & { user?: Principal; servedResource?: ServedResource }>();
      request.servedResource = resource;
      // Before passport-http-bearer, which would also take a token from the query string or body.
      readBearerToken(request);
      await super.canActivate(context);
      // RFC 8707 §2, RFC 9068 §4: a token issued for another resource is not for this one.
      if (!request.user?.audiences.includes(resource.identifier)) {
        throw new OAuthError('invalid_token', 'The access token is not for this resource', { challenge: 'Bearer' });
      }
      return true;
    } catch (error) {
      throw error instanceof OAuthError ? error.forResource(resource.metadataUrl) : error;
    }
  }

  /** The route's resource is fixed once the app is built: worked out once per handler, not per request. */
  private readonly served = new WeakMap<object, ServedResource>();

  private servedResourceOf(context: ExecutionContext): ServedResource {
    let resource = this.served.get(context.getHandler());
    if (!resource) {
      resource = servedResourceOf(context, this.reflector, this.catalog);
      this.served.set(context.getHandler(), resource);
    }
    return resource;
  }

  override handleRequest<TUser = Principal>(
    error: unknown,
    user: unknown,
    _info: unknown,
    _context: ExecutionContext,
    status?: unknown,
  ): TUser {
    if (error instanceof OAuthError) throw error;
    if (error) {
      throw new OAuthError('temporarily_unavailable', 'The access token could not be checked; try again', {
        cause: error,
      });
    }
    if (!user) {
      if (status === 400) throw malformed('The Authorization header is malformed');
      throw noCredentials();
    }
    return user as TUser;
  }
}
