/** RFC 9068 §2.1: the media type of a JWT access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/**
 * RFC 8693 §4.1: the party acting on the subject's behalf; a nested `act` is the actor before it
 * (a delegation chain, current actor outermost).
 */
export interface ActorClaim {
  sub: string;
  act?: ActorClaim;
}

/** RFC 9068 §2.2 claims of our access tokens. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  /** RFC 8707: the resource the token is for, or several (an array). */
  aud: string | string[];
  client_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  /** RFC 8693 §4.1: present on tokens issued by token exchange. */
  act?: ActorClaim;
}

/** A non-empty string, or a non-empty array of them (RFC 7519 §4.1.3). */
export function isAudience(aud: unknown): aud is string | string[] {
  if (typeof aud === 'string') return aud !== '';
  return Array.isArray(aud) && aud.length > 0 && aud.every((entry) => typeof entry === 'string' && entry !== '');
}

/** The resources a token is for, as a list whether `aud` is one string or an array (RFC 7519 §4.1.3). */
export function audiencesOf(aud: string | readonly string[]): readonly string[] {
  return typeof aud === 'string' ? [aud] : aud;
}
