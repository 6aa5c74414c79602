import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { LimitDecision } from '../common/throttling/attempt-limiter.service';
import { FailureBudget, Throttle, throttleKey } from '../common/throttling/throttle.service';
import type { SignInFailureReason } from '../metrics/metrics.service';
import { AuditService } from '../audit/audit.service';
import { limitsConfig } from '../config/limits.config';
import { Metrics } from '../metrics/metrics.service';
import type { UserEntity } from './user.entity';
import { MAX_PASSWORD_LENGTH, UsersService } from './users.service';

/** Failed sign-ins are counted in windows of this length (RFC 6819 §4.4.3.6). */
export const SIGN_IN_FAILURE_WINDOW_SECONDS = 15 * 60;
/** Across all addresses, a username meets this many times the per-address budget (P10: no lockout after ten guesses). */
export const USERNAME_CEILING_FACTOR = 10;
/** One address may spend this many usernames' budgets (password spraying) before it is refused too. */
export const ADDRESS_CEILING_FACTOR = 10;

/** Where a password sign-in comes from. */
export interface SignInVia {
  method: 'login_form' | 'password_grant';
  /** The client of a password grant. */
  clientId?: string;
}

export type SignInOutcome =
  | { kind: 'signed-in'; user: UserEntity }
  | { kind: 'wrong-credentials' }
  | { kind: 'throttled'; decision: LimitDecision };

/**
 * Every password sign-in (the login form and the password grant) goes through here, under one
 * throttling policy (SECURITY-CASES P10): failures count per (username, address) pair first, with
 * far higher ceilings per username and per address; each attempt is counted before argon2 runs;
 * the username is keyed exactly as it is looked up.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly users: UsersService,
    private readonly throttle: Throttle,
    @Inject(limitsConfig.KEY) private readonly limits: ConfigType<typeof limitsConfig>,
    private readonly audit: AuditService,
    private readonly metrics: Metrics,
  ) {}

  /** `via`: where the password was typed (the login form, or a client's password grant), for the audit log. */
  async attempt(
    username: string,
    password: string,
    address: string,
    via: SignInVia = { method: 'login_form' },
  ): Promise<SignInOutcome> {
    const budgets = this.budgets(username, address);
    const reservation = this.throttle.reserve(budgets);
    if ('blocked' in reservation) {
      // Counted, not audited: a flood of refused attempts must not become a flood of writes.
      this.metrics.signInFailed('throttled');
      return { kind: 'throttled', decision: reservation.blocked };
    }
    // The same answer for an unknown user and a wrong password; verifyPassword spends the same time on both.
    const user = password.length <= MAX_PASSWORD_LENGTH ? await this.users.verifyPassword(username, password) : null;
    if (!user) {
      await reservation.fail();
      await this.recordFailure(username, address, via);
      return { kind: 'wrong-credentials' };
    }
    reservation.release();
    // A success from this address forgets this pair's failures, nobody else's.
    await this.throttle.reset(budgets[0]);
    await this.audit.record({
      type: 'sign_in.succeeded',
      actor: `user:${user.id}`,
      subject: `user:${user.id}`,
      clientId: via.clientId,
      ip: address,
      details: { username: user.username, method: via.method },
    });
    return { kind: 'signed-in', user };
  }

  /** The username is recorded as typed (bounded): it is what a SIEM correlates; the password never is. */
  private async recordFailure(username: string, address: string, via: SignInVia): Promise<void> {
    const reason: SignInFailureReason = 'wrong_credentials';
    this.metrics.signInFailed(reason);
    await this.audit.record({
      type: 'sign_in.failed',
      subject: `username:${username.slice(0, 100)}`,
      clientId: via.clientId,
      ip: address,
      details: { reason, method: via.method },
    });
  }

  private budgets(username: string, address: string): FailureBudget[] {
    const limit = this.limits.loginFailuresPer15Minutes;
    const windowSeconds = SIGN_IN_FAILURE_WINDOW_SECONDS;
    return [
      { key: throttleKey('login', 'pair', username, address), limit, windowSeconds },
      { key: throttleKey('login', 'user', username), limit: limit * USERNAME_CEILING_FACTOR, windowSeconds },
      { key: throttleKey('login', 'address', address), limit: limit * ADDRESS_CEILING_FACTOR, windowSeconds },
    ];
  }
}
