import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { limitsConfig } from '../../config/limits.config';
import { OAuthError } from '../oauth/oauth.error';
import { AttemptLimiter, LimitDecision } from './attempt-limiter.service';
import { RequestRateLimiter } from './request-rate-limiter.service';

/** Who a counter counts: one client id, one remote address or one username. */
export type ThrottleSubject = 'client' | 'address' | 'user';

/** The one key format of every counter: `<purpose>:<subject>:<id>`, e.g. `client-auth:address:10.0.0.1`. */
export function throttleKey(purpose: string, subject: ThrottleSubject, id: string): string {
  return `${purpose}:${subject}:${id}`;
}

/** A failure counter and its budget: at most `limit` failures per `windowSeconds`. */
export interface FailureBudget {
  key: string;
  limit: number;
  windowSeconds: number;
}

/**
 * The throttling decisions of the OAuth endpoints, in one place: "count, then 429 with Retry-After"
 * (RFC 6585 §4). Everything is a no-op while RATE_LIMIT_ENABLED is false.
 */
@Injectable()
export class Throttle {
  constructor(
    private readonly attempts: AttemptLimiter,
    private readonly requests: RequestRateLimiter,
    @Inject(limitsConfig.KEY) private readonly limits: ConfigType<typeof limitsConfig>,
  ) {}

  /** The first budget already spent, if any (for callers that answer with a page, not an OAuth error). */
  firstBlocked(budgets: readonly FailureBudget[]): LimitDecision | undefined {
    if (!this.limits.isEnabled) return undefined;
    return budgets
      .map((budget) => this.attempts.check(budget.key, budget.limit, budget.windowSeconds))
      .find((decision) => decision.isBlocked);
  }

  /** Throws 429 `temporarily_unavailable` with Retry-After when any budget is spent. */
  throwIfBlocked(budgets: readonly FailureBudget[], description: string): void {
    const blocked = this.firstBlocked(budgets);
    if (blocked) throw tooMany(description, blocked);
  }

  /** Counts one failure against every budget; resolves when the shared store has them. */
  async recordFailure(budgets: readonly FailureBudget[]): Promise<void> {
    if (!this.limits.isEnabled) return;
    await Promise.all(budgets.map((budget) => this.attempts.recordFailure(budget.key, budget.windowSeconds)));
  }

  /** Forgets a counter's failures (e.g. after a successful sign-in). */
  async reset(budget: FailureBudget): Promise<void> {
    if (this.limits.isEnabled) await this.attempts.reset(budget.key);
  }

  /** Counts one request under `key`; over `limit` per `windowSeconds`, throws 429 instead. */
  throwIfOverRate(key: string, limit: number, windowSeconds: number, description: string): void {
    if (!this.limits.isEnabled) return;
    const decision = this.requests.hit(key, limit, windowSeconds);
    if (decision.isBlocked) throw tooMany(description, decision);
  }
}

function tooMany(description: string, decision: LimitDecision): OAuthError {
  return new OAuthError('temporarily_unavailable', description, {
    status: 429,
    retryAfterSeconds: decision.retryAfterSeconds,
  });
}
