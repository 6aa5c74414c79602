import { Injectable } from '@nestjs/common';
import { SignInService } from '../users/sign-in.service';
import { InteractionService } from './interaction.service';
import { field, PageOutcome, redirectTo, tooManySessionsPage, formExpired } from './outcome';
import { toInternalPath } from './return-to';
import { newCookieOf, Session, SessionsService, TooManySessionsError } from './sessions.service';
import type { LoginPage } from './views/login.view';

export const DEFAULT_LANDING = '/account';
const WRONG_CREDENTIALS = 'Wrong username or password.';

/** The login form: CSRF-checked, throttled, and a fresh session id on success. */
@Injectable()
export class LoginService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly signIn: SignInService,
    private readonly interactions: InteractionService,
  ) {}

  async showForm(sessionToken: string | undefined, query: unknown, address: string): Promise<PageOutcome<LoginPage>> {
    const interaction = field(query, 'interaction') || undefined;
    const returnTo = toInternalPath(field(query, 'return_to'));
    let session: Session;
    try {
      session = await this.sessions.findOrCreate(sessionToken, address);
    } catch (error) {
      if (error instanceof TooManySessionsError) return tooManySessionsPage(error.retryAfterSeconds);
      throw error;
    }
    const { entity } = session;
    if (entity.userId && interaction === undefined) return redirectTo(returnTo ?? DEFAULT_LANDING);
    const { clientName, loginHint } = interaction
      ? await this.interactions.loginContextOf(interaction, entity.id)
      : { clientName: undefined, loginHint: undefined };
    return {
      kind: 'view',
      status: 200,
      view: {
        csrfToken: entity.csrfToken,
        interaction,
        returnTo,
        clientName,
        username: loginHint,
        isSignedOut: field(query, 'signed_out') === '1',
      },
      session: newCookieOf(session),
    };
  }

  async submit(sessionToken: string | undefined, body: unknown, address: string): Promise<PageOutcome<LoginPage>> {
    const session = await this.sessions.find(sessionToken);
    // RFC 6749 §10.12: the login form is accepted only with its session's CSRF token.
    if (!session || !this.sessions.isValidCsrfToken(session, field(body, 'csrf_token'))) {
      return formExpired('Reload the sign-in page and try again.');
    }
    const interaction = field(body, 'interaction') || undefined;
    const returnTo = toInternalPath(field(body, 'return_to'));
    const username = field(body, 'username') ?? '';
    const password = field(body, 'password') ?? '';
    // The form shown again keeps saying which application the sign-in is for.
    const form = async (
      status: number,
      message: string,
      retryAfterSeconds?: number,
    ): Promise<PageOutcome<LoginPage>> => {
      const { clientName } = interaction
        ? await this.interactions.loginContextOf(interaction, session.id)
        : { clientName: undefined };
      return {
        kind: 'view',
        status,
        view: { csrfToken: session.csrfToken, interaction, returnTo, username, message, clientName },
        retryAfterSeconds,
      };
    };
    if (username === '' || password === '') return form(400, 'Enter your username and password.');

    const attempt = await this.signIn.attempt(username, password, address);
    if (attempt.kind === 'throttled') {
      const { retryAfterSeconds } = attempt.decision;
      const minutes = Math.ceil(retryAfterSeconds / 60);
      return form(429, `Too many failed sign-in attempts. Try again in ${minutes} minute(s).`, retryAfterSeconds);
    }
    if (attempt.kind === 'wrong-credentials') return form(400, WRONG_CREDENTIALS);

    const signedIn = await this.sessions.signIn(session, attempt.user.id);
    if (interaction !== undefined) {
      const next = await this.interactions.resume(interaction, signedIn.entity);
      return { ...next, session: newCookieOf(signedIn) };
    }
    return redirectTo(returnTo ?? DEFAULT_LANDING, newCookieOf(signedIn));
  }
}
