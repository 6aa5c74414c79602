import { Injectable, Logger } from '@nestjs/common';
import { AuthorizationIssuerService } from './authorization-issuer.service';
import { AuthorizationRequestValidator } from './authorization-request-validator.service';
import type { ValidAuthorizationRequest } from './authorization-request.validation';
import { AuthorizationRequestsService } from './authorization-requests.service';
import { ConsentService } from './consent.service';
import { errorPage, PageOutcome, redirectTo } from './outcome';
import { newCookieOf, Session, SessionsService, TooManySessionsError } from './sessions.service';
import { needsSignIn } from './sign-in-freshness';

/** The authorization endpoint (RFC 6749 §4.1.1, §4.2.1): check the request, then sign in, consent or answer. */
@Injectable()
export class AuthorizeService {
  private readonly logger = new Logger('Authorize');

  constructor(
    private readonly validator: AuthorizationRequestValidator,
    private readonly sessions: SessionsService,
    private readonly requests: AuthorizationRequestsService,
    private readonly consents: ConsentService,
    private readonly issuer: AuthorizationIssuerService,
  ) {}

  async authorize(
    params: Record<string, unknown>,
    sessionToken: string | undefined,
    address: string,
  ): Promise<PageOutcome> {
    const check = await this.validator.check(params);
    if (check.kind === 'page') return errorPage(400, check.error, check.description, 'Invalid authorization request');
    if (check.kind === 'redirect-error') {
      return redirectTo(this.issuer.errorRedirect(check.target, check.error, check.description));
    }
    const request = check.request;
    try {
      return await this.proceed(request, sessionToken, address);
    } catch (error) {
      // RFC 6749 §4.1.2.1: the server is (for this address) unable to handle the request for now.
      if (error instanceof TooManySessionsError) {
        return redirectTo(
          this.issuer.errorRedirect(request, 'temporarily_unavailable', 'Too many sign-in attempts; try again later.'),
        );
      }
      // RFC 6749 §4.1.2.1: once the redirect URI is trusted, even a server fault is answered there.
      this.logger.error({ err: error }, 'authorization request failed');
      return redirectTo(this.issuer.faultRedirect(request, error));
    }
  }

  private async proceed(
    request: ValidAuthorizationRequest,
    sessionToken: string | undefined,
    address: string,
  ): Promise<PageOutcome> {
    const session = await this.sessions.find(sessionToken);
    const requirements = {
      isLoginPrompted: request.prompt.includes('login'),
      maxAge: request.maxAge,
      requestedAt: new Date(),
    };
    if (!session?.userId || needsSignIn(session, requirements)) {
      // OpenID Connect Core §3.1.2.6: prompt=none never shows a page; a sign-in is needed.
      if (request.prompt.includes('none')) {
        return redirectTo(this.issuer.errorRedirect(request, 'login_required', 'The user must sign in.'));
      }
      const current: Session = session ? { entity: session } : await this.sessions.createAnonymous(address);
      const interaction = await this.requests.create(request, current.entity.id);
      return redirectTo(`/login?interaction=${interaction}`, newCookieOf(current));
    }

    const userId = session.userId;
    const isRemembered =
      !request.prompt.includes('consent') &&
      (await this.consents.covers(userId, request.client.clientId, request.scopes, request.resources));
    if (isRemembered) {
      return redirectTo(
        await this.issuer.issue({
          ...request,
          clientId: request.client.clientId,
          userId,
          authTime: session.authenticatedAt,
          sid: session.sid,
        }),
      );
    }
    if (request.prompt.includes('none')) {
      return redirectTo(
        this.issuer.errorRedirect(request, 'consent_required', 'The user has not allowed this request.'),
      );
    }
    const interaction = await this.requests.create(request, session.id);
    return redirectTo(`/consent?interaction=${interaction}`);
  }
}
