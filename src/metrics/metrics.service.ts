import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

/** The `route` label of a request that matched no route: raw paths never become label values. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** Why a client failed to authenticate (the `reason` label of tollgate_client_auth_failures_total). */
export type ClientAuthFailureReason = 'unknown_client' | 'wrong_method' | 'public_not_allowed' | 'bad_credentials';

/** Why a password sign-in failed (the `reason` label of tollgate_sign_in_failures_total). */
export type SignInFailureReason = 'wrong_credentials' | 'throttled';

/** Upper bounds of the request-duration histogram, in seconds. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** One route × method × status: plain numbers, added to per request with no allocation. */
interface RequestSeries {
  labels: { route: string; method: string; status_code: string };
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative); the last slot is above every bound (+Inf). */
  buckets: number[];
}

interface MetricValue {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * The two HTTP request metrics as prom-client collectors read at scrape time: counting a request
 * is a few map lookups and additions, instead of prom-client's label hashing and validation twice
 * per request (about 2 µs measured on the benchmark machine).
 */
class RequestCollectors {
  /** Per route, method and status, found through nested maps: no key string is built per request. */
  private readonly series = new Map<string, Map<string, Map<number, RequestSeries>>>();

  constructor(registry: Registry) {
    const all = () =>
      [...this.series.values()].flatMap((byMethod) =>
        [...byMethod.values()].flatMap((byStatus) => [...byStatus.values()]),
      );
    registry.registerMetric({
      name: 'tollgate_http_requests_total',
      help: 'HTTP requests answered, by route template, method and status code',
      type: 'counter',
      get: async () => ({
        name: 'tollgate_http_requests_total',
        help: 'HTTP requests answered, by route template, method and status code',
        type: 'counter',
        aggregator: 'sum',
        values: all().map((series): MetricValue => ({ labels: series.labels, value: series.count })),
      }),
    } as never);
    registry.registerMetric({
      name: 'tollgate_http_request_duration_seconds',
      help: 'Time from request received to response sent, by route template, method and status code',
      type: 'histogram',
      get: async () => ({
        name: 'tollgate_http_request_duration_seconds',
        help: 'Time from request received to response sent, by route template, method and status code',
        type: 'histogram',
        aggregator: 'sum',
        values: all().flatMap((series) => histogramValues('tollgate_http_request_duration_seconds', series)),
      }),
    } as never);
  }

  observe(route: string, method: string, statusCode: number, seconds: number): void {
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
      series = {
        labels: { route, method, status_code: String(statusCode) },
        count: 0,
        sum: 0,
        buckets: new Array<number>(DURATION_BUCKETS.length + 1).fill(0),
      };
      byStatus.set(statusCode, series);
    }
    series.count += 1;
    series.sum += seconds;
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]) bucket += 1;
    series.buckets[bucket] += 1;
  }
}

/** A series as Prometheus histogram samples: cumulative `_bucket`s up to `+Inf`, `_sum`, `_count`. */
function histogramValues(name: string, series: RequestSeries): MetricValue[] {
  const values: MetricValue[] = [];
  let cumulative = 0;
  for (let index = 0; index <= DURATION_BUCKETS.length; index += 1) {
    cumulative += series.buckets[index];
    const le = index < DURATION_BUCKETS.length ? DURATION_BUCKETS[index] : '+Inf';
    values.push({ metricName: `${name}_bucket`, labels: { ...series.labels, le }, value: cumulative });
  }
  values.push({ metricName: `${name}_sum`, labels: series.labels, value: series.sum });
  values.push({ metricName: `${name}_count`, labels: series.labels, value: series.count });
  return values;
}

/**
 * The server's Prometheus instruments, on a registry of its own (not prom-client's global one, so
 * several apps in one process never collide). Names are listed in the README ("Monitoring") and used
 * by deploy/grafana-dashboard.json: renaming one breaks dashboards.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  private readonly requests = new RequestCollectors(this.registry);

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

  /** Records one answered request; `route` is the route template (or UNMATCHED_ROUTE). */
  observeRequest(route: string, method: string, statusCode: number, seconds: number): void {
    this.requests.observe(route, method, statusCode, seconds);
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
