import { Injectable } from '@nestjs/common';
import { MAX_PRESENTED_CLIENT_ID_LENGTH } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import type { ClientEntity } from '../clients/client.entity';
import { errorPage, field, PageOutcome, redirectTo, formExpired } from '../consent/outcome';
import { SessionsService } from '../consent/sessions.service';
import { MAX_STATE_LENGTH } from '../consent/authorization-request.validation';
import { IdTokenHint, IdTokenService } from '../tokens/id-token.service';
import { UsersService } from '../users/users.service';
import type { LogoutPage } from './views/logout.view';

/** The parameters of RP-Initiated Logout 1.0 §2 this server reads; the rest are ignored. */
const LOGOUT_PARAMETERS = ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state'] as const;
const MAX_ID_TOKEN_HINT_LENGTH = 8192;

type LogoutParameters = Partial<Record<(typeof LOGOUT_PARAMETERS)[number], string>>;

/** A checked logout request: who asks, where to go afterwards. */
interface CheckedLogout {
  hint: IdTokenHint | null;
  client: ClientEntity | null;
  /** Registered for the client, compared exactly (§3.1); null: the signed-out page. */
  redirectUri: string | null;
  state: string | null;
}

function refused(description: string): PageOutcome<LogoutPage> {
  return errorPage(400, 'invalid_request', description, 'Cannot sign out from here');
}

const FORM_EXPIRED = formExpired('Go back to the application and sign out again.');

/**
 * OpenID Connect RP-Initiated Logout 1.0: checks the request, asks the user when the relying party
 * cannot show it speaks for this session, ends the session (a database row, so on every instance at
 * once), then sends the user to a registered post-logout redirect URI or shows a signed-out page.
 */
@Injectable()
export class EndSessionService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly clients: ClientsService,
    private readonly idTokens: IdTokenService,
    private readonly users: UsersService,
  ) {}

  /**
   * GET, or POST from a relying party: end at once when the id_token_hint names this session,
   * otherwise ask. A POST of our own confirmation form (`confirm`) ends the session once its CSRF
   * token checks out.
   */
  async handle(sessionToken: string | undefined, params: unknown, isForm: boolean): Promise<PageOutcome<LogoutPage>> {
    const read = this.readParameters(params);
    if ('problem' in read) return refused(read.problem);
    const checked = await this.check(read.parameters);
    if ('problem' in checked) return refused(checked.problem);

    const session = await this.sessions.find(sessionToken);
    if (!session?.userId) return this.finish(checked, false);

    if (isForm && field(params, 'confirm') !== undefined) {
      // RFC 6749 §10.12 (as for every form here): only this session's own form may end it.
      if (!this.sessions.isValidCsrfToken(session, field(params, 'csrf_token'))) return FORM_EXPIRED;
      await this.sessions.end(session);
      return this.finish(checked, true);
    }
    // §2: a hint for this user and this session is the relying party's proof; anything else asks the user.
    const isHintForSession =
      checked.hint !== null &&
      checked.hint.sub === session.userId &&
      (checked.hint.sid === undefined || checked.hint.sid === session.sid);
    if (isHintForSession) {
      await this.sessions.end(session);
      return this.finish(checked, true);
    }
    const user = await this.users.findById(session.userId);
    return {
      kind: 'view',
      status: 200,
      view: {
        kind: 'confirm',
        confirmation: {
          csrfToken: session.csrfToken,
          username: user?.username,
          clientName: checked.client?.name,
          fields: read.parameters,
        },
      },
    };
  }

  private finish(checked: CheckedLogout, isSessionEnded: boolean): PageOutcome<LogoutPage> {
    const outcome: PageOutcome<LogoutPage> =
      checked.redirectUri === null
        ? { kind: 'view', status: 200, view: { kind: 'signed-out' } }
        : redirectTo(withState(checked.redirectUri, checked.state));
    return { ...outcome, isSessionEnded };
  }

  /** Each parameter at most once (RFC 6749 §3.1 as everywhere here); empty counts as absent. */
  private readParameters(params: unknown): { parameters: LogoutParameters } | { problem: string } {
    const parameters: LogoutParameters = {};
    const source = typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {};
    for (const name of LOGOUT_PARAMETERS) {
      if (!Object.hasOwn(source, name)) continue;
      const value = source[name];
      if (typeof value !== 'string') return { problem: `The ${name} parameter is repeated.` };
      if (value !== '') parameters[name] = value;
    }
    return { parameters };
  }

  private async check(parameters: LogoutParameters): Promise<CheckedLogout | { problem: string }> {
    const { id_token_hint: hintText, client_id: clientId, post_logout_redirect_uri: redirectUri, state } = parameters;
    let hint: IdTokenHint | null = null;
    if (hintText !== undefined) {
      // §2: an ID token this server issued, expired or not; anything else is refused.
      hint = hintText.length <= MAX_ID_TOKEN_HINT_LENGTH ? await this.idTokens.verifyHint(hintText) : null;
      if (!hint) return { problem: 'The id_token_hint is not an ID token issued by this server.' };
    }
    if (clientId !== undefined && hint && !hint.audiences.includes(clientId)) {
      // §2: client_id, when sent with a hint, must be the hint's audience.
      return { problem: 'The client_id does not match the id_token_hint.' };
    }
    const identified = clientId ?? hint?.audiences[0];
    const client =
      identified !== undefined && identified.length <= MAX_PRESENTED_CLIENT_ID_LENGTH
        ? await this.clients.findById(identified)
        : null;
    if (identified !== undefined && !client) return { problem: 'The client_id does not name a registered client.' };
    if (state !== undefined && state.length > MAX_STATE_LENGTH) {
      return { problem: `The state parameter is longer than ${MAX_STATE_LENGTH} characters.` };
    }
    if (redirectUri === undefined) return { hint, client, redirectUri: null, state: null };
    // §3: never redirect to a URI the client did not register, nor for an unidentified client
    // (SECURITY-CASES R2-18); the error is shown here, never sent to the URI.
    // SECURITY-CASES R2-18 is stricter than §3 (which also accepts client_id alone): only an ID token
    // this server issued to the client proves the request comes from it, so no hint, no redirect.
    if (!hint || !client) {
      return { problem: 'A post_logout_redirect_uri needs the id_token_hint of the client it belongs to.' };
    }
    if (!(client.postLogoutRedirectUris ?? []).includes(redirectUri)) {
      return { problem: 'The post_logout_redirect_uri is not registered for this client.' };
    }
    return { hint, client, redirectUri, state: state ?? null };
  }
}

/** §3: state goes back as a query parameter of the post-logout redirect URI. */
function withState(uri: string, state: string | null): string {
  if (state === null) return uri;
  const url = new URL(uri);
  url.searchParams.append('state', state);
  return url.toString();
}
