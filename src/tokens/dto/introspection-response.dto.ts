import type { ActorClaim } from '../access-token-claims';

/** RFC 7662 §2.2: an inactive token says nothing else. */
export class InactiveTokenDto {
  active: false;
}

/** RFC 7662 §2.2 response for an active access or refresh token. */
export class ActiveTokenDto {
  active: true;
  scope: string;
  client_id: string;
  sub: string;
  token_type: 'Bearer' | 'refresh_token';
  exp: number;
  iat: number;
  iss: string;
  /** RFC 7662 §2.2, RFC 8707: the resource(s) the token is for. */
  aud: string | string[];
  jti: string;
  /** RFC 8693 §4.1, §2.2 of RFC 7662: the actor of a token issued by token exchange. */
  act?: ActorClaim;
}

export type IntrospectionResponseDto = InactiveTokenDto | ActiveTokenDto;
