import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { LimitDecision } from '../common/throttling/attempt-limiter.service';
import { FailureBudget, Throttle, throttleKey } from '../common/throttling/throttle.service';
import { limitsConfig } from '../config/limits.config';
import type { UserEntity } from './user.entity';
import { MAX_PASSWORD_LENGTH, UsersService } from './users.service';

/** Failed sign-ins are counted in windows of this length (RFC 6819 §4.4.3.6). */
export const SIGN_IN_FAILURE_WINDOW_SECONDS = 15 * 60;
/** Across all addresses, a username meets this many times the per-address budget (P10: no lockout after ten guesses). */
export const USERNAME_CEILING_FACTOR = 10;
/** One address may spend this many usernames' budgets (password spraying) before it is refused too. */
export const ADDRESS_CEILING_FACTOR = 10;

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
  ) {}

  async attempt(username: string, password: string, address: string): Promise<SignInOutcome> {
    const budgets = this.budgets(username, address);
    const reservation = this.throttle.reserve(budgets);
    if ('blocked' in reservation) return { kind: 'throttled', decision: reservation.blocked };
    // The same answer for an unknown user and a wrong password; verifyPassword spends the same time on both.
    const user = password.length <= MAX_PASSWORD_LENGTH ? await this.users.verifyPassword(username, password) : null;
    if (!user) {
      await reservation.fail();
      return { kind: 'wrong-credentials' };
    }
    reservation.release();
    // A success from this address forgets this pair's failures, nobody else's.
    await this.throttle.reset(budgets[0]);
    return { kind: 'signed-in', user };
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
