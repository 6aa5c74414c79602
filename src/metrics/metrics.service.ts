import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';

/** The `route` label of a request that matched no route: raw paths never become label values. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** Why a client failed to authenticate (the `reason` label of tollgate_client_auth_failures_total). */
export type ClientAuthFailureReason = 'unknown_client' | 'wrong_method' | 'public_not_allowed' | 'bad_credentials';

/** Why a password sign-in failed (the `reason` label of tollgate_sign_in_failures_total). */
export type SignInFailureReason = 'wrong_credentials' | 'throttled';

interface RequestSeries {
  count: { inc(): void };
  duration: { observe(value: number): void };
}

/**
 * The server's Prometheus instruments, on a registry of its own (not prom-client's global one, so
 * several apps in one process never collide). Names are listed in the README ("Monitoring") and used
 * by deploy/grafana-dashboard.json: renaming one breaks dashboards.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  private readonly httpRequests = new Counter({
    name: 'tollgate_http_requests_total',
    help: 'HTTP requests answered, by route template, method and status code',
    labelNames: ['route', 'method', 'status_code'] as const,
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: 'tollgate_http_request_duration_seconds',
    help: 'Time from request received to response sent, by route template, method and status code',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  private readonly tokensIssued = new Counter({
    name: 'tollgate_tokens_issued_total',
    help: 'Token responses issued at the token endpoint, by grant type',
    labelNames: ['grant_type'] as const,
    registers: [this.registry],
  });

  private readonly clientAuthFailures = new Counter({
    name: 'tollgate_client_auth_failures_total',
    help: 'Failed client authentications (token, introspection, revocation, device endpoints), by method and reason',
    labelNames: ['method', 'reason'] as const,
    registers: [this.registry],
  });

  private readonly signInFailures = new Counter({
    name: 'tollgate_sign_in_failures_total',
    help: 'Failed password sign-ins (login form and password grant), by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private readonly rateLimitRefusals = new Counter({
    name: 'tollgate_rate_limit_refusals_total',
    help: 'Requests refused by a rate limit, by limiter',
    labelNames: ['limiter'] as const,
    registers: [this.registry],
  });

  /**
   * Label children per route, method and status, found through nested maps: after the first request
   * of a kind, recording one costs two map lookups and no allocation.
   */
  private readonly series = new Map<string, Map<string, Map<number, RequestSeries>>>();

  /** Records one answered request; `route` is the route template (or UNMATCHED_ROUTE). */
  observeRequest(route: string, method: string, statusCode: number, seconds: number): void {
    let byMethod = this.series.get(route);
    if (!byMethod) {
      byMethod = new Map();
      this.series.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let series = byStatus.get(statusCode);
    if (!series) {
      const labels = { route, method, status_code: String(statusCode) };
      series = { count: this.httpRequests.labels(labels), duration: this.httpDuration.labels(labels) };
      byStatus.set(statusCode, series);
    }
    series.count.inc();
    series.duration.observe(seconds);
  }

  tokenIssued(grantType: string): void {
    this.tokensIssued.inc({ grant_type: grantType });
  }

  clientAuthFailed(method: string, reason: ClientAuthFailureReason): void {
    this.clientAuthFailures.inc({ method, reason });
  }

  signInFailed(reason: SignInFailureReason): void {
    this.signInFailures.inc({ reason });
  }

  /** `limiter`: the purpose of the refusing counter (`token`, `client-auth`, `login`, `address`, …). */
  rateLimited(limiter: string): void {
    this.rateLimitRefusals.inc({ limiter });
  }
}
