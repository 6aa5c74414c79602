import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { limitsConfig } from '../../config/limits.config';
import { Metrics } from '../../metrics/metrics.service';
import { OAuthError } from '../oauth/oauth.error';
import { AttemptLimiter, LimitDecision } from './attempt-limiter.service';
import { RequestRateLimiter } from './request-rate-limiter.service';

/**
 * Who a counter counts: one client id, one remote address, one username, or one identity from one
 * address (`pair`, SECURITY-CASES P10).
 */
export type ThrottleSubject = 'client' | 'address' | 'user' | 'pair';

/**
 * The one key format of every counter: `<purpose>:<subject>:<id>`, e.g. `client-auth:client:abc`;
 * a pair's id is `<identity> <address>` (a space appears in neither a client id nor a username).
 */
export function throttleKey(purpose: string, subject: ThrottleSubject, id: string, address?: string): string {
  return address === undefined ? `${purpose}:${subject}:${id}` : `${purpose}:${subject}:${id} ${address}`;
}

/** An attempt counted before a slow check, so that parallel attempts count (P10). */
export interface Reservation {
  /** The attempt failed: report it to the shared store; resolves when the store has it. */
  fail(): Promise<void>;
  /** The attempt succeeded: take it back (no store write). */
  release(): void;
}

const NOTHING_RESERVED: Reservation = { fail: () => Promise.resolve(), release: () => undefined };

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
    private readonly metrics: Metrics,
  ) {}

  /** The first budget already spent, if any (for callers that answer with a page, not an OAuth error). */
  firstBlocked(budgets: readonly FailureBudget[]): LimitDecision | undefined {
    if (!this.limits.isEnabled) return undefined;
    for (const budget of budgets) {
      const decision = this.attempts.check(budget.key, budget.limit, budget.windowSeconds);
      if (decision.isBlocked) {
        this.metrics.rateLimited(limiterOf(budget.key));
        return decision;
      }
    }
    return undefined;
  }

  /** Throws 429 `temporarily_unavailable` with Retry-After when any budget is spent. */
  throwIfBlocked(budgets: readonly FailureBudget[], description: string): void {
    const blocked = this.firstBlocked(budgets);
    if (blocked) throw tooMany(description, blocked);
  }

  /**
   * Counts one failure against every budget before the check it guards (argon2, a signature), or
   * answers which budget is already spent. The check and the count happen in one turn of the event
   * loop, so parallel attempts on one instance cannot all pass.
   */
  reserve(budgets: readonly FailureBudget[]): Reservation | { blocked: LimitDecision } {
    const blocked = this.firstBlocked(budgets);
    if (blocked) return { blocked };
    if (!this.limits.isEnabled) return NOTHING_RESERVED;
    // Counted on this instance now; other instances hear of it only if it fails.
    for (const budget of budgets) this.attempts.hold(budget.key, budget.windowSeconds);
    return {
      fail: async () => {
        await Promise.all(budgets.map((budget) => this.attempts.share(budget.key, budget.windowSeconds)));
      },
      release: () => {
        for (const budget of budgets) this.attempts.release(budget.key);
      },
    };
  }

  /** `reserve`, throwing 429 `temporarily_unavailable` with Retry-After when a budget is spent. */
  reserveOrThrow(budgets: readonly FailureBudget[], description: string): Reservation {
    const reservation = this.reserve(budgets);
    if ('blocked' in reservation) throw tooMany(description, reservation.blocked);
    return reservation;
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

  /** Counts one request under `key` unless it is over `limit` per `windowSeconds` (then it is blocked). */
  hit(key: string, limit: number, windowSeconds: number): LimitDecision {
    if (!this.limits.isEnabled) return { isBlocked: false, retryAfterSeconds: 0 };
    const decision = this.requests.hit(key, limit, windowSeconds);
    if (decision.isBlocked) this.metrics.rateLimited(limiterOf(key));
    return decision;
  }

  /** `hit`, throwing 429 `temporarily_unavailable` with Retry-After when over the limit. */
  throwIfOverRate(key: string, limit: number, windowSeconds: number, description: string): void {
    const decision = this.hit(key, limit, windowSeconds);
    if (decision.isBlocked) throw tooMany(description, decision);
  }
}

/** The limiter a counter belongs to: the purpose part of its key (see throttleKey). */
export function limiterOf(key: string): string {
  const colon = key.indexOf(':');
  return colon < 0 ? key : key.slice(0, colon);
}

function tooMany(description: string, decision: LimitDecision): OAuthError {
  return OAuthError.tooMany(description, decision.retryAfterSeconds);
}
