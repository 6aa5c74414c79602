import { isLoopbackHost } from '../config/env.validation';

/** Schemes a redirect URI may never use, whatever the client (RFC 9700 §4.1; CVE-2020-26938). */
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:']);

/**
 * Why a redirect URI cannot be registered, or undefined when it can.
 * RFC 6749 §3.1.2: absolute, no fragment. RFC 9700 §2.1, §4.1.3: exact match, so no wildcards.
 * Product rule: https, or http on a loopback host (RFC 8252 §7.3).
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.length > 2000) return 'is longer than 2000 characters';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\s\x00-\x1f\x7f]/.test(uri)) return 'contains whitespace or control characters';
  if (uri.includes('#')) return 'must not contain a fragment';
  if (uri.includes('*')) return 'must not contain wildcards';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `must not use the ${url.protocol} scheme`;
  if (url.username || url.password) return 'must not contain credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return 'must use https (http is allowed only on a loopback host)';
}

/**
 * RFC 6749 §3.1.2.3 exact string comparison, except that a loopback http redirect matches on any
 * port (RFC 8252 §7.3: native apps listen on an ephemeral port).
 */
export function isRegisteredRedirectUri(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true;
  const requestedLoopback = loopbackWithoutPort(requested);
  if (!requestedLoopback) return false;
  return registered.some((uri) => loopbackWithoutPort(uri) === requestedLoopback);
}

function loopbackWithoutPort(uri: string): string | undefined {
  if (!uri.startsWith('http://')) return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  // Only literal IP loopbacks get the any-port rule; `localhost` can be rebound (RFC 8252 §8.3).
  if (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]') return undefined;
  // Rebuild from the raw string so no normalisation (case, dot segments, encoding) can create a match.
  const match = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::\d{1,5})?(\/.*)?$/.exec(uri);
  if (!match) return undefined;
  return `http://${match[1]}${match[2] ?? ''}`;
}
