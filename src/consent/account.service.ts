import { MAX_CLIENT_ID_LENGTH } from '../clients/client.entity';
import { Injectable } from '@nestjs/common';
import { UsersService } from '../users/users.service';
import { ConsentService } from './consent.service';
import { errorPage, field, PageOutcome, redirectTo, formExpired } from './outcome';
import { SessionsService } from './sessions.service';
import type { AccountPage } from './views/account.view';

const FORM_EXPIRED = formExpired('Reload your account page and try again.');

/** The signed-in user's page: the clients holding a consent, their withdrawal, and sign-out. */
/** Where sign-out lands: the sign-in page, saying the user has signed out. */
export const SIGNED_OUT_LANDING = '/login?signed_out=1';

@Injectable()
export class AccountService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly consents: ConsentService,
    private readonly users: UsersService,
  ) {}

  async show(sessionToken: string | undefined): Promise<PageOutcome<AccountPage>> {
    const session = await this.sessions.findAuthenticated(sessionToken);
    const user = session?.userId ? await this.users.findById(session.userId) : null;
    if (!session || !user) return redirectTo('/login?return_to=%2Faccount');
    const grants = await this.consents.list(user.id);
    return {
      kind: 'view',
      status: 200,
      view: { username: user.username, csrfToken: session.csrfToken, grants },
    };
  }

  /** Withdraws a client's consent and kills every token it holds for the user. */
  async revoke(sessionToken: string | undefined, body: unknown): Promise<PageOutcome> {
    const session = await this.sessions.findAuthenticated(sessionToken);
    if (!session?.userId || !this.sessions.isValidCsrfToken(session, field(body, 'csrf_token'))) return FORM_EXPIRED;
    const clientId = field(body, 'client_id');
    if (clientId === undefined || clientId.length > MAX_CLIENT_ID_LENGTH) {
      return errorPage(400, 'invalid_request', 'Choose an application to revoke.', 'Invalid request');
    }
    await this.consents.revoke(session.userId, clientId);
    return redirectTo('/account');
  }

  async logout(sessionToken: string | undefined, body: unknown): Promise<PageOutcome> {
    const session = await this.sessions.find(sessionToken);
    if (!session || !this.sessions.isValidCsrfToken(session, field(body, 'csrf_token'))) return FORM_EXPIRED;
    await this.sessions.end(session);
    return { ...redirectTo(SIGNED_OUT_LANDING), isSessionEnded: true };
  }
}
