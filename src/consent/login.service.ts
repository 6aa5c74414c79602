import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { FailureBudget, Throttle, throttleKey } from '../common/throttling/throttle.service';
import { limitsConfig } from '../config/limits.config';
import { UsersService } from '../users/users.service';
import { InteractionService } from './interaction.service';
import { errorPage, field, PageOutcome, redirectTo } from './outcome';
import { toInternalPath } from './return-to';
import { SessionsService } from './sessions.service';
import type { LoginPage } from './views/login.view';

/** Failed logins are counted in windows of this length (RFC 6819 §4.4.3.6). */
export const LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;
/** One address may fail for this many usernames' budgets before it is blocked too. */
export const ADDRESS_LIMIT_FACTOR = 5;
export const DEFAULT_LANDING = '/account';
/** UsersService.create accepts no longer password; a longer one cannot be right. */
const MAX_PASSWORD_LENGTH = 1000;

const WRONG_CREDENTIALS = 'Wrong username or password.';

/** The login form: CSRF-checked, throttled, and a fresh session id on success. */
@Injectable()
export class LoginService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly interactions: InteractionService,
    private readonly throttle: Throttle,
    @Inject(limitsConfig.KEY) private readonly limits: ConfigType<typeof limitsConfig>,
  ) {}

  async showForm(sessionToken: string | undefined, query: unknown): Promise<PageOutcome<LoginPage>> {
    const interaction = field(query, 'interaction') || undefined;
    const returnTo = toInternalPath(field(query, 'return_to'));
    const { entity, newToken } = await this.sessions.findOrCreate(sessionToken);
    if (entity.userId && interaction === undefined) return redirectTo(returnTo ?? DEFAULT_LANDING);
    const clientName = interaction ? await this.interactions.clientNameOf(interaction, entity.id) : undefined;
    return {
      kind: 'view',
      status: 200,
      view: { csrfToken: entity.csrfToken, interaction, returnTo, clientName },
      sessionToken: newToken,
    };
  }

  async submit(sessionToken: string | undefined, body: unknown, address: string): Promise<PageOutcome<LoginPage>> {
    const session = await this.sessions.find(sessionToken);
    // RFC 6749 §10.12: the login form is accepted only with its session's CSRF token.
    if (!session || !this.sessions.isValidCsrfToken(session, field(body, 'csrf_token'))) {
      return errorPage(
        403,
        'invalid_csrf_token',
        'This form has expired or did not come from this site. Reload the sign-in page and try again.',
        'Form expired',
      );
    }
    const interaction = field(body, 'interaction') || undefined;
    const returnTo = toInternalPath(field(body, 'return_to'));
    const username = field(body, 'username') ?? '';
    const password = field(body, 'password') ?? '';
    const form = (status: number, message: string, retryAfterSeconds?: number): PageOutcome<LoginPage> => ({
      kind: 'view',
      status,
      view: { csrfToken: session.csrfToken, interaction, returnTo, username, message },
      retryAfterSeconds,
    });
    if (username === '' || password === '') return form(400, 'Enter your username and password.');

    const [userBudget, addressBudget] = this.budgets(username, address);
    const blocked = this.throttle.firstBlocked([userBudget, addressBudget]);
    if (blocked) {
      const minutes = Math.ceil(blocked.retryAfterSeconds / 60);
      return form(
        429,
        `Too many failed sign-in attempts. Try again in ${minutes} minute(s).`,
        blocked.retryAfterSeconds,
      );
    }

    // The same answer for an unknown user and a wrong password; verifyPassword spends the same time on both.
    const user = password.length <= MAX_PASSWORD_LENGTH ? await this.users.verifyPassword(username, password) : null;
    if (!user) {
      await this.throttle.recordFailure([userBudget, addressBudget]);
      return form(400, WRONG_CREDENTIALS);
    }
    await this.throttle.reset(userBudget);

    const signedIn = await this.sessions.signIn(session, user.id);
    if (interaction !== undefined) {
      const next = await this.interactions.resume(interaction, signedIn.entity);
      return { ...next, sessionToken: signedIn.newToken };
    }
    return redirectTo(returnTo ?? DEFAULT_LANDING, signedIn.newToken);
  }

  /** RFC 6819 §4.4.3.6: failed sign-ins counted per username and, more loosely, per address. */
  private budgets(username: string, address: string): [FailureBudget, FailureBudget] {
    const limit = this.limits.loginFailuresPer15Minutes;
    const windowSeconds = LOGIN_FAILURE_WINDOW_SECONDS;
    return [
      { key: throttleKey('login', 'user', username.toLowerCase()), limit, windowSeconds },
      { key: throttleKey('login', 'address', address), limit: limit * ADDRESS_LIMIT_FACTOR, windowSeconds },
    ];
  }
}
