import type { SessionCookieValue } from './sessions.service';
import type { ErrorPage } from './views/error.view';

/** How a page route answers; controllers turn it into a Fastify reply. */
export type PageOutcome<TView = never> = (
  | { kind: 'redirect'; location: string }
  | { kind: 'error'; status: number; page: ErrorPage }
  | { kind: 'view'; status: number; view: TView }
) & {
  /** Sent as `Retry-After` (RFC 9110 §10.2.3), with a 429 or 503. */
  retryAfterSeconds?: number;
  /** A new session cookie to set. */
  session?: SessionCookieValue;
  /** The session ended: clear the cookie. */
  isSessionEnded?: boolean;
};

export function redirectTo(location: string, session?: SessionCookieValue): PageOutcome {
  return { kind: 'redirect', location, session };
}

/** A 429 page for an address that opened too many sessions. */
export function tooManySessionsPage(retryAfterSeconds: number): PageOutcome {
  return {
    ...errorPage(
      429,
      'temporarily_unavailable',
      'Too many sign-in attempts come from your network. Try again later.',
      'Try again later',
    ),
    retryAfterSeconds,
  };
}

export function errorPage(
  status: number,
  error: string,
  description: string,
  title = 'Something went wrong',
): PageOutcome {
  return { kind: 'error', status, page: { title, error, description } };
}

/** A form sent without its session's CSRF token (RFC 6749 §10.12): 403, with what to do next. */
export function formExpired<T = never>(advice: string): PageOutcome<T> {
  return errorPage(
    403,
    'invalid_csrf_token',
    `This form has expired or did not come from this site. ${advice}`,
    'Form expired',
  );
}

/** A form field as one string; a missing or repeated field is undefined. */
export function field(source: unknown, name: string): string | undefined {
  if (typeof source !== 'object' || source === null || !Object.hasOwn(source, name)) return undefined;
  const value = (source as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
