/** RFC 6749 §5.1 successful token response. */
export class TokenResponseDto {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  /** OpenID Connect Core §3.1.3.3: when the grant's scope has `openid`. */
  id_token?: string;
  /** RFC 8693 §2.2.1: the type of the token issued by a token exchange. */
  issued_token_type?: string;
}
