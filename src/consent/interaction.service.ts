import { Injectable, Logger } from '@nestjs/common';
import { UsersService } from '../users/users.service';
import { ApprovedAuthorization, AuthorizationIssuerService } from './authorization-issuer.service';
import type { AuthorizationRequestEntity } from './authorization-request.entity';
import type { RedirectTarget, ResponseType } from './authorization-request.validation';
import { AuthorizationRequestsService } from './authorization-requests.service';
import { ConsentService } from './consent.service';
import type { LoginSessionEntity } from './login-session.entity';
import { errorPage, field, formExpired, PageOutcome, redirectTo } from './outcome';
import { newCookieOf, SessionsService } from './sessions.service';
import { needsSignIn } from './sign-in-freshness';
import { selfRegisteredClientOf } from './views/self-registered-notice';
import type { ConsentPage } from './views/consent.view';

/** The host a redirect URI names, or undefined (a device request has none). */
function hostOf(uri: string | null): string | undefined {
  if (!uri) return undefined;
  try {
    return new URL(uri).host;
  } catch {
    return undefined;
  }
}

function targetOf(pending: AuthorizationRequestEntity): RedirectTarget {
  return {
    redirectUri: pending.redirectUri,
    responseMode: pending.responseType === 'token' ? 'fragment' : 'query',
    state: pending.state,
  };
}

function approvedOf(pending: AuthorizationRequestEntity, session: LoginSessionEntity): ApprovedAuthorization {
  return {
    ...targetOf(pending),
    clientId: pending.clientId,
    userId: session.userId as string,
    authTime: session.authenticatedAt,
    sid: session.sid,
    nonce: pending.nonce,
    responseType: pending.responseType as ResponseType,
    requestedRedirectUri: pending.requestedRedirectUri,
    scopes: pending.scope.split(' ').filter((scope) => scope !== ''),
    resources: pending.resources ?? [],
    codeChallenge: pending.codeChallenge,
    codeChallengeMethod: pending.codeChallengeMethod,
    deviceAuthorizationId: pending.deviceAuthorizationId,
  };
}

function hasPrompt(pending: AuthorizationRequestEntity, value: string): boolean {
  return (pending.prompt ?? '').split(' ').includes(value);
}

/** OpenID Connect Core §3.1.2.1: prompt=login and max_age hold until the request is answered. */
function needsSignInFor(pending: AuthorizationRequestEntity, session: LoginSessionEntity): boolean {
  return needsSignIn(session, {
    isLoginPrompted: hasPrompt(pending, 'login'),
    maxAge: pending.maxAge,
    requestedAt: pending.createdAt,
  });
}

const NOT_PENDING = errorPage(
  400,
  'invalid_request',
  'This authorization request has expired, was already answered, or belongs to another browser session.',
  'Request no longer valid',
);

const FORM_EXPIRED = formExpired('Go back to the application and start again.');

/** The steps of a stored authorization request after the user signs in: consent page and decision. */
@Injectable()
export class InteractionService {
  private readonly logger = new Logger('Authorize');

  constructor(
    private readonly sessions: SessionsService,
    private readonly requests: AuthorizationRequestsService,
    private readonly consents: ConsentService,
    private readonly issuer: AuthorizationIssuerService,
    private readonly users: UsersService,
  ) {}

  /** What the login page shows of a pending request: the client's name and the login_hint (OIDC Core §3.1.2.1). */
  async loginContextOf(interaction: string, sessionId: string): Promise<{ clientName?: string; loginHint?: string }> {
    const pending = await this.requests.findPending(interaction, sessionId);
    return { clientName: pending?.client?.name, loginHint: pending?.loginHint ?? undefined };
  }

  /** Continues a request right after sign-in: answer at once if consent is remembered, else ask. */
  async resume(interaction: string, session: LoginSessionEntity): Promise<PageOutcome> {
    const pending = await this.requests.findPending(interaction, session.id);
    if (!pending || !session.userId) return NOT_PENDING;
    const userId = session.userId;
    const { scopes, resources } = approvedOf(pending, session);
    const isRemembered =
      !hasPrompt(pending, 'consent') && (await this.consents.covers(userId, pending.clientId, scopes, resources));
    if (!isRemembered) return redirectTo(`/consent?interaction=${interaction}`);
    if (!(await this.requests.markDecided(pending.interactionHash, session.id))) return NOT_PENDING;
    return this.answer(pending, session);
  }

  async showConsent(sessionToken: string | undefined, query: unknown): Promise<PageOutcome<ConsentPage>> {
    const interaction = field(query, 'interaction');
    const session = await this.sessions.find(sessionToken);
    const pending = session && interaction ? await this.requests.findPending(interaction, session.id) : null;
    if (!session || !interaction || !pending) return NOT_PENDING;
    if (!session.userId || needsSignInFor(pending, session)) return redirectTo(`/login?interaction=${interaction}`);
    const user = await this.users.findById(session.userId);
    if (!user) return NOT_PENDING;
    return {
      kind: 'view',
      status: 200,
      view: {
        clientName: pending.client?.name ?? pending.clientId,
        isDevice: pending.deviceAuthorizationId !== null,
        username: user.username,
        scopes: approvedOf(pending, session).scopes,
        resources: approvedOf(pending, session).resources,
        interaction,
        csrfToken: session.csrfToken,
        redirectHost: hostOf(pending.redirectUri),
        selfRegistered: selfRegisteredClientOf(pending.client),
      },
    };
  }

  /**
   * "Not you?" on the consent page: signs the current user out under a fresh session id and sends
   * the browser to the sign-in form for the same pending request, so another account can answer it.
   */
  async switchAccount(sessionToken: string | undefined, body: unknown): Promise<PageOutcome> {
    const session = await this.sessions.findAuthenticated(sessionToken);
    if (!session || !this.sessions.isValidCsrfToken(session, field(body, 'csrf_token'))) return FORM_EXPIRED;
    const interaction = field(body, 'interaction');
    const pending = interaction ? await this.requests.findPending(interaction, session.id) : null;
    if (!interaction || !pending) return NOT_PENDING;
    const signedOut = await this.sessions.signOutKeepingRequests(session);
    return redirectTo(`/login?interaction=${encodeURIComponent(interaction)}`, newCookieOf(signedOut));
  }

  /** The user's answer on the consent page; each pending request is decided once (UI-03, UI-04). */
  async decide(sessionToken: string | undefined, body: unknown): Promise<PageOutcome> {
    const session = await this.sessions.findAuthenticated(sessionToken);
    if (!session || !this.sessions.isValidCsrfToken(session, field(body, 'csrf_token'))) return FORM_EXPIRED;
    const decision = field(body, 'decision');
    if (decision !== 'allow' && decision !== 'deny') {
      return errorPage(400, 'invalid_request', 'Choose Allow or Deny.', 'Invalid answer');
    }
    const pending = await this.requests.findPending(field(body, 'interaction'), session.id);
    // A consent form shown before a required sign-in (prompt=login, max_age) cannot skip it.
    if (!pending || needsSignInFor(pending, session)) return NOT_PENDING;
    if (!(await this.requests.markDecided(pending.interactionHash, session.id))) return NOT_PENDING;
    const userId = session.userId as string;
    if (decision === 'deny') return this.answer(pending, session, 'deny');
    try {
      await this.consents.remember(userId, pending.clientId, approvedOf(pending, session).scopes);
    } catch (error) {
      return this.serverError(pending, error);
    }
    return this.answer(pending, session);
  }

  private async answer(
    pending: AuthorizationRequestEntity,
    session: LoginSessionEntity,
    decision: 'allow' | 'deny' = 'allow',
  ): Promise<PageOutcome> {
    const approved = approvedOf(pending, session);
    try {
      return redirectTo(await (decision === 'allow' ? this.issuer.issue(approved) : this.issuer.deny(approved)));
    } catch (error) {
      return this.serverError(pending, error);
    }
  }

  private serverError(pending: AuthorizationRequestEntity, error: unknown): PageOutcome {
    this.logger.error({ err: error }, 'authorization request failed');
    return redirectTo(this.issuer.faultRedirect(targetOf(pending), error));
  }
}
