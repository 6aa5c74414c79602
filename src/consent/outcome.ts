import type { ErrorPage } from './views/error.view';

/** How a page route answers; controllers turn it into a Fastify reply. */
export type PageOutcome<TView = never> = (
  | { kind: 'redirect'; location: string }
  | { kind: 'error'; status: number; page: ErrorPage }
  | { kind: 'view'; status: number; view: TView; retryAfterSeconds?: number }
) & {
  /** A new session cookie value to set. */
  sessionToken?: string;
  /** The session ended: clear the cookie. */
  isSessionEnded?: boolean;
};

export function redirectTo(location: string, sessionToken?: string): PageOutcome {
  return { kind: 'redirect', location, sessionToken };
}

export function errorPage(
  status: number,
  error: string,
  description: string,
  title = 'Something went wrong',
): PageOutcome {
  return { kind: 'error', status, page: { title, error, description } };
}

/** A form field as one string; a missing or repeated field is undefined. */
export function field(source: unknown, name: string): string | undefined {
  if (typeof source !== 'object' || source === null || !Object.hasOwn(source, name)) return undefined;
  const value = (source as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
