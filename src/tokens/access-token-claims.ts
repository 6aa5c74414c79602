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
