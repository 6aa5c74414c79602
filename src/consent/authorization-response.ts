import type { RedirectTarget } from './authorization-request.validation';

/**
 * The URL that answers an authorization request. Parameters are encoded with URLSearchParams, so
 * no value (a state with CR/LF included) can break out of the Location header (RFC 6749 §10.14),
 * and the registered URI's own query is kept as registered (RFC 6749 §3.1.2).
 */
export function buildAuthorizationResponseUrl(
  target: RedirectTarget,
  params: Record<string, string | number | null | undefined>,
): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined) search.append(name, String(value));
  }
  if (target.responseMode === 'fragment') return `${target.redirectUri}#${search.toString()}`;
  const uri = target.redirectUri;
  const separator = !uri.includes('?') ? '?' : uri.endsWith('?') || uri.endsWith('&') ? '' : '&';
  return `${uri}${separator}${search.toString()}`;
}
