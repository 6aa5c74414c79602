import type { LoginSessionEntity } from './login-session.entity';

/** What an authentication request asks of the sign-in behind it (OpenID Connect Core §3.1.2.1). */
export interface SignInRequirements {
  /** prompt=login: the user signs in again, after the request was made. */
  isLoginPrompted: boolean;
  /** max_age in seconds; null when not asked. */
  maxAge: number | null;
  /** When the request was made: a sign-in after it satisfies both rules. */
  requestedAt: Date;
}

/**
 * True when the session does not satisfy the request: nobody signed in, prompt=login and the sign-in
 * predates the request, or the sign-in is older than max_age at the time of the request (Core
 * §3.1.2.1; max_age=0 thus always means a new sign-in). Measuring from the request, not from now,
 * lets the consent step that follows a fresh sign-in go through.
 */
export function needsSignIn(
  session: Pick<LoginSessionEntity, 'userId' | 'authenticatedAt'> | null,
  requirements: SignInRequirements,
): boolean {
  if (!session?.userId || !session.authenticatedAt) return true;
  const signedInAt = session.authenticatedAt.getTime();
  const requestedAt = requirements.requestedAt.getTime();
  if (requirements.isLoginPrompted && signedInAt < requestedAt) return true;
  return requirements.maxAge !== null && signedInAt < requestedAt - requirements.maxAge * 1000;
}
