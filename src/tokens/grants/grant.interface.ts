import type { ClientEntity } from '../../clients/client.entity';
import type { TokenResponseDto } from '../dto/token-response.dto';

/** What clients may be registered for: a grant type and the rules that come with it. */
export interface GrantTypeDescriptor {
  /** The `grant_type` value (RFC 6749 §4, or an extension URI, §4.5). */
  readonly grantType: string;
  /** Whether a public client (auth method `none`) may use this grant. */
  readonly isPublicClientAllowed: boolean;
  /** Whether the grant starts with a browser redirect, so its clients need a redirect URI. */
  readonly usesRedirectUri: boolean;
  /** False when the operator has not enabled the grant; it is then neither offered nor accepted. */
  readonly isEnabled: boolean;
  /** Whether a client that registered itself (RFC 7591, metadata documents) may use it. */
  readonly isSelfRegistrable?: boolean;
}

/** What a grant may know of the request besides its parameters and the authenticated client. */
export interface TokenRequestContext {
  /** The caller's address, for throttling. */
  remoteAddress: string;
}

/**
 * A token-endpoint grant: its `grant_type`, the wire parameters it reads (a class-validator DTO
 * with the RFC's names; the token endpoint keeps only these), and how it answers. A new grant is
 * one file in this folder and one entry in tokens.module.ts.
 */
export interface Grant<P extends object = object> extends GrantTypeDescriptor {
  readonly parameters: new () => P;
  /** Issues the tokens for an authenticated client, or throws OAuthError. */
  handle(client: ClientEntity, parameters: P, context: TokenRequestContext): Promise<TokenResponseDto>;
}

/** The injection token under which the registry receives every grant. */
export const GRANTS = Symbol('GRANTS');
