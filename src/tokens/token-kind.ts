/** Access tokens are JWTs (three dot-separated parts); refresh tokens and codes are opaque base64url. */
export function looksLikeAccessToken(token: string): boolean {
  return token.split('.').length === 3;
}
