/** RFC 9068 §2.1: the media type of a JWT access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

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
}

/** The resources a token is for, as a list whether `aud` is one string or an array (RFC 7519 §4.1.3). */
export function audiencesOf(aud: string | readonly string[]): readonly string[] {
  return typeof aud === 'string' ? [aud] : aud;
}
