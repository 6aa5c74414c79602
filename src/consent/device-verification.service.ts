import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { FailureBudget, Throttle, throttleKey } from '../common/throttling/throttle.service';
import { limitsConfig } from '../config/limits.config';
import { DeviceCodesService } from '../tokens/device/device-codes.service';
import { AuthorizationRequestsService } from './authorization-requests.service';
import { field, PageOutcome, redirectTo, tooManySessionsPage, formExpired } from './outcome';
import { newCookieOf, SessionsService, TooManySessionsError } from './sessions.service';
import type { DevicePage } from './views/device.view';

const FAILURE_WINDOW_SECONDS = 15 * 60;

const FORM_EXPIRED = formExpired('Reload the page and enter the code again.');

/**
 * The user-code page (RFC 8628 §3.3): the user enters the code their device shows, then signs in
 * if needed and answers on the consent page, like any authorization request.
 */
@Injectable()
export class DeviceVerificationService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly requests: AuthorizationRequestsService,
    private readonly deviceCodes: DeviceCodesService,
    private readonly throttle: Throttle,
    @Inject(limitsConfig.KEY) private readonly limits: ConfigType<typeof limitsConfig>,
  ) {}

  /** The form, filled with the code of verification_uri_complete (RFC 8628 §3.3.1); the user still confirms. */
  async showForm(sessionToken: string | undefined, query: unknown, address: string): Promise<PageOutcome<DevicePage>> {
    try {
      const session = await this.sessions.findOrCreate(sessionToken, address);
      const userCode = field(query, 'user_code')?.slice(0, 64);
      return {
        kind: 'view',
        status: 200,
        view: { csrfToken: session.entity.csrfToken, userCode },
        session: newCookieOf(session),
      };
    } catch (error) {
      if (error instanceof TooManySessionsError) return tooManySessionsPage(error.retryAfterSeconds);
      throw error;
    }
  }

  /** A known, live user code leads to the login page or straight to consent; anything else counts as a guess. */
  async submit(sessionToken: string | undefined, body: unknown, address: string): Promise<PageOutcome<DevicePage>> {
    const session = await this.sessions.find(sessionToken);
    // RFC 6749 §10.12: the form is accepted only with its session's CSRF token.
    if (!session || !this.sessions.isValidCsrfToken(session, field(body, 'csrf_token'))) return FORM_EXPIRED;
    const userCode = field(body, 'user_code')?.slice(0, 64) ?? '';
    const form = (status: number, message: string, retryAfterSeconds?: number): PageOutcome<DevicePage> => ({
      kind: 'view',
      status,
      view: { csrfToken: session.csrfToken, userCode, message },
      retryAfterSeconds,
    });
    if (userCode.trim() === '') return form(400, 'Enter the code shown on your device.');

    // RFC 8628 §5.1: user codes are short, so wrong ones are counted per address (reserved first, P10).
    const reservation = this.throttle.reserve(this.budgets(address));
    if ('blocked' in reservation) {
      const minutes = Math.ceil(reservation.blocked.retryAfterSeconds / 60);
      return form(
        429,
        `Too many wrong codes. Try again in ${minutes} minute(s).`,
        reservation.blocked.retryAfterSeconds,
      );
    }
    const device = await this.deviceCodes.findPendingByUserCode(userCode);
    if (!device) {
      await reservation.fail();
      return form(400, 'That code is not valid or has expired. Check the code on your device.');
    }
    reservation.release();
    const interaction = await this.requests.createForDevice(device, session.id);
    return redirectTo(session.userId ? `/consent?interaction=${interaction}` : `/login?interaction=${interaction}`);
  }

  /** P10: counted per address only; a user code names no account, so no one else is locked out. */
  private budgets(address: string): FailureBudget[] {
    return [
      {
        key: throttleKey('device-user-code', 'address', address),
        limit: this.limits.userCodeFailuresPerAddress,
        windowSeconds: FAILURE_WINDOW_SECONDS,
      },
    ];
  }
}
