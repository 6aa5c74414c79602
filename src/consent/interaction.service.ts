import { Injectable, Logger } from '@nestjs/common';
import { UsersService } from '../users/users.service';
import { ApprovedAuthorization, AuthorizationIssuerService } from './authorization-issuer.service';
import type { AuthorizationRequestEntity } from './authorization-request.entity';
import type { RedirectTarget, ResponseType } from './authorization-request.validation';
import { AuthorizationRequestsService } from './authorization-requests.service';
import { ConsentService } from './consent.service';
import type { LoginSessionEntity } from './login-session.entity';
import { errorPage, field, PageOutcome, redirectTo } from './outcome';
import { SessionsService } from './sessions.service';
import { selfRegisteredClientOf } from './views/self-registered-notice';
import type { ConsentPage } from './views/consent.view';

function targetOf(pending: AuthorizationRequestEntity): RedirectTarget {
  return {
    redirectUri: pending.redirectUri,
    responseMode: pending.responseType === 'token' ? 'fragment' : 'query',
    state: pending.state,
  };
}

function approvedOf(pending: AuthorizationRequestEntity, userId: string): ApprovedAuthorization {
  return {
    ...targetOf(pending),
    clientId: pending.clientId,
    userId,
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

const NOT_PENDING = errorPage(
  400,
  'invalid_request',
  'This authorization request has expired, was already answered, or belongs to another browser session.',
  'Request no longer valid',
);

const FORM_EXPIRED = errorPage(
  403,
  'invalid_csrf_token',
  'This form has expired or did not come from this site. Go back to the application and start again.',
  'Form expired',
);

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

  /** The name of the client a pending request is for, to show on the login page. */
  async clientNameOf(interaction: string, sessionId: string): Promise<string | undefined> {
    const pending = await this.requests.findPending(interaction, sessionId);
    return pending?.client?.name;
  }

  /** Continues a request right after sign-in: answer at once if consent is remembered, else ask. */
  async resume(interaction: string, session: LoginSessionEntity): Promise<PageOutcome> {
    const pending = await this.requests.findPending(interaction, session.id);
    if (!pending || !session.userId) return NOT_PENDING;
    const userId = session.userId;
    const { scopes, resources } = approvedOf(pending, userId);
    const isRemembered =
      !hasPrompt(pending, 'consent') && (await this.consents.covers(userId, pending.clientId, scopes, resources));
    if (!isRemembered) return redirectTo(`/consent?interaction=${interaction}`);
    if (!(await this.requests.markDecided(pending.interactionHash, session.id))) return NOT_PENDING;
    return this.answer(pending, userId);
  }

  async showConsent(sessionToken: string | undefined, query: unknown): Promise<PageOutcome<ConsentPage>> {
    const interaction = field(query, 'interaction');
    const session = await this.sessions.find(sessionToken);
    const pending = session && interaction ? await this.requests.findPending(interaction, session.id) : null;
    if (!session || !interaction || !pending) return NOT_PENDING;
    if (!session.userId) return redirectTo(`/login?interaction=${interaction}`);
    const user = await this.users.findById(session.userId);
    if (!user) return NOT_PENDING;
    return {
      kind: 'view',
      status: 200,
      view: {
        clientName: pending.client?.name ?? pending.clientId,
        isDevice: pending.deviceAuthorizationId !== null,
        username: user.username,
        scopes: approvedOf(pending, user.id).scopes,
        resources: approvedOf(pending, user.id).resources,
        interaction,
        csrfToken: session.csrfToken,
        selfRegistered: selfRegisteredClientOf(pending.client, pending.redirectUri),
      },
    };
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
    if (!pending || !(await this.requests.markDecided(pending.interactionHash, session.id))) return NOT_PENDING;
    const userId = session.userId as string;
    if (decision === 'deny') return this.answer(pending, userId, 'deny');
    try {
      await this.consents.remember(userId, pending.clientId, approvedOf(pending, userId).scopes);
    } catch (error) {
      return this.serverError(pending, error);
    }
    return this.answer(pending, userId);
  }

  private async answer(
    pending: AuthorizationRequestEntity,
    userId: string,
    decision: 'allow' | 'deny' = 'allow',
  ): Promise<PageOutcome> {
    const approved = approvedOf(pending, userId);
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
