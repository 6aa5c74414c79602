import type { ClientEntity, GrantType } from '../../clients/client.entity';
import type { TokenResponseDto } from '../dto/token-response.dto';

/** The token request's parameters after validation, in camelCase (RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6). */
export interface TokenRequest {
  grantType: string;
  code?: string;
  redirectUri?: string;
  codeVerifier?: string;
  refreshToken?: string;
  scope?: string;
  username?: string;
  password?: string;
}

export type TokenRequestParameter = Exclude<keyof TokenRequest, 'grantType'>;

/** What every grant declares: its `grant_type`, the parameters it needs, and how it answers. */
export interface Grant {
  readonly grantType: GrantType;
  /** Missing any of these is `invalid_request` (RFC 6749 §5.2). */
  readonly requiredParameters: readonly TokenRequestParameter[];
  /** Whether a public client (auth method `none`) may use this grant. */
  readonly isPublicClientAllowed: boolean;
  /** False when the operator has not enabled the grant; the registry then does not offer it. */
  readonly isEnabled: boolean;
  /** Issues the tokens for an authenticated client, or throws OAuthError. */
  handle(client: ClientEntity, request: TokenRequest): Promise<TokenResponseDto>;
}

/** The injection token under which the registry receives every grant. */
export const GRANTS = Symbol('GRANTS');
