import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isLoopbackAddress, isLoopbackHostname, isPublicAddress } from './address-policy';

/** Why a fetch was refused; safe to show (it names no internal detail). */
export type SafeFetchRefusal =
  | 'invalid_url'
  | 'scheme'
  | 'address'
  | 'dns'
  | 'redirect'
  | 'status'
  | 'too_large'
  | 'timeout'
  | 'content_type'
  | 'invalid_json'
  | 'network';

/** A refused or failed fetch; `reason` says which rule refused it. */
export class SafeFetchError extends Error {
  constructor(
    readonly reason: SafeFetchRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'SafeFetchError';
  }
}

export interface SafeFetchOptions {
  /** Largest body accepted, in bytes (e.g. 5120 for a client metadata document). */
  maxBytes: number;
  /** Deadline for the whole exchange (DNS, connection, TLS, body); default 5000 ms. */
  timeoutMs?: number;
  /** Lower bound of the cache lifetime returned; default 60 s. */
  minMaxAgeSeconds?: number;
  /** Upper bound of the cache lifetime returned; default 86400 s. */
  maxMaxAgeSeconds?: number;
}

export interface SafeFetchResult {
  /** The parsed JSON body. */
  body: unknown;
  /** How long the caller may cache the body: Cache-Control max-age or Expires, clamped to the bounds. */
  maxAgeSeconds: number;
}

export interface SafeFetcherSettings {
  /**
   * Tests and local development only: also allow loopback destinations (127.0.0.0/8, ::1,
   * localhost), over http or https, on any port. Private and link-local addresses stay refused.
   */
  allowHttpLoopback?: boolean;
  /** Extra trusted certificate authorities (PEM), for tests serving https with their own CA. */
  ca?: string | string[];
  /** Name resolution; node:dns by default (tests may substitute it). */
  lookup?: typeof dnsLookup;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * An HTTP(S) client for URLs that clients choose (metadata documents, JWKS), safe against SSRF:
 * https only; the name is resolved once and the connection made to the very address that was
 * checked (no DNS rebinding between check and use); loopback, private, link-local and other
 * non-public destinations refused; no redirects; bounded size and time; JSON only.
 */
export class SafeFetcher {
  constructor(private readonly settings: SafeFetcherSettings = {}) {}

  async fetchJson(rawUrl: string, options: SafeFetchOptions): Promise<SafeFetchResult> {
    const url = this.checkUrl(rawUrl);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const isHttp = url.protocol === 'http:';
    const isAllowed = (address: string) =>
      (!isHttp && isPublicAddress(address)) || (this.settings.allowHttpLoopback === true && isLoopbackAddress(address));

    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    // Node connects to an IP literal without calling `lookup`: check it here.
    if (isIP(hostname) !== 0 && !isAllowed(hostname)) {
      throw new SafeFetchError('address', 'The URL points to an address that may not be fetched');
    }

    const response = await this.exchange(url, this.checkedLookup(isAllowed), timeoutMs, options.maxBytes);
    const maxAgeSeconds = cacheLifetime(
      response.headers,
      options.minMaxAgeSeconds ?? 60,
      options.maxMaxAgeSeconds ?? 86400,
    );
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new SafeFetchError('invalid_json', 'The document is not valid JSON');
    }
    return { body, maxAgeSeconds };
  }

  private checkUrl(rawUrl: string): URL {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw new SafeFetchError('invalid_url', 'The URL is not an absolute URL');
    }
    if (url.username || url.password) throw new SafeFetchError('invalid_url', 'The URL must not contain credentials');
    if (url.protocol === 'https:') return url;
    if (url.protocol === 'http:' && this.settings.allowHttpLoopback === true && isLoopbackHostname(url.hostname)) {
      return url;
    }
    throw new SafeFetchError('scheme', 'The URL must use https');
  }

  /** A `lookup` that resolves once and hands the socket only an address that passed the check. */
  private checkedLookup(isAllowed: (address: string) => boolean): LookupFunction {
    const resolve = this.settings.lookup ?? dnsLookup;
    return (hostname, options, callback) => {
      resolve(hostname, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) => {
        if (error) {
          callback(new SafeFetchError('dns', 'The host name could not be resolved'), '', 0);
          return;
        }
        const chosen = addresses.find((candidate) => isAllowed(candidate.address));
        if (!chosen) {
          callback(new SafeFetchError('address', 'The host resolves to an address that may not be fetched'), '', 0);
          return;
        }
        if (options.all) {
          (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, [chosen]);
        } else {
          callback(null, chosen.address, chosen.family);
        }
      });
    };
  }

  private exchange(
    url: URL,
    lookup: LookupFunction,
    timeoutMs: number,
    maxBytes: number,
  ): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      let isSettled = false;
      const settle = (
        error: SafeFetchError | undefined,
        value?: { headers: http.IncomingHttpHeaders; body: Buffer },
      ) => {
        if (isSettled) return;
        isSettled = true;
        clearTimeout(deadline);
        if (error) {
          request.destroy();
          reject(error);
        } else {
          resolve(value!);
        }
      };
      const requestOptions: https.RequestOptions = {
        method: 'GET',
        lookup,
        // A fresh connection per fetch: no socket reused from a pool that another check admitted.
        agent: false,
        headers: { accept: 'application/json', 'accept-encoding': 'identity', 'user-agent': 'Tollgate' },
        ...(url.protocol === 'https:' && this.settings.ca ? { ca: this.settings.ca } : {}),
      };
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request(url, requestOptions, (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          settle(new SafeFetchError('redirect', 'The URL answered with a redirect, which is not followed'));
          return;
        }
        if (status !== 200) {
          settle(new SafeFetchError('status', `The URL answered with HTTP status ${status}`));
          return;
        }
        const contentType = response.headers['content-type'] ?? '';
        if (!/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(contentType)) {
          settle(new SafeFetchError('content_type', 'The document must be served as application/json'));
          return;
        }
        const encoding = response.headers['content-encoding'];
        if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
          settle(new SafeFetchError('content_type', 'The document must not be compressed'));
          return;
        }
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          settle(new SafeFetchError('too_large', `The document is larger than ${maxBytes} bytes`));
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBytes) {
            settle(new SafeFetchError('too_large', `The document is larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => settle(undefined, { headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', () => settle(new SafeFetchError('network', 'The connection failed')));
      });
      const deadline = setTimeout(
        () => settle(new SafeFetchError('timeout', `The URL did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      request.on('error', (error) =>
        settle(error instanceof SafeFetchError ? error : new SafeFetchError('network', 'The connection failed')),
      );
      request.end();
    });
  }
}

/**
 * RFC 9111 §4.2.1 freshness lifetime: Cache-Control max-age (no-store/no-cache: none), else
 * Expires minus Date; clamped to [min, max] (a missing lifetime is the minimum).
 */
export function cacheLifetime(headers: http.IncomingHttpHeaders, min: number, max: number): number {
  const clamp = (seconds: number) => Math.min(max, Math.max(min, Math.floor(seconds)));
  const cacheControl = (headers['cache-control'] ?? '').toLowerCase();
  if (/(^|,)\s*(no-store|no-cache)\s*(,|$)/.test(cacheControl)) return min;
  const age = Number(headers.age);
  const used = Number.isFinite(age) && age > 0 ? age : 0;
  const maxAge = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/.exec(cacheControl);
  if (maxAge) return clamp(Number(maxAge[1]) - used);
  const expires = headers.expires === undefined ? NaN : Date.parse(headers.expires);
  if (!Number.isNaN(expires)) {
    const date = headers.date === undefined ? NaN : Date.parse(headers.date);
    const base = Number.isNaN(date) ? Date.now() : date;
    return clamp((expires - base) / 1000 - used);
  }
  return min;
}
