import type { UserEntity } from '../users/user.entity';

/** OpenID Connect Core §5.4: the claims each scope asks for, returned by UserInfo (an access token is issued). */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  profile: ['preferred_username', 'name'],
  email: ['email', 'email_verified'],
};

/** Claims an ID token carries (Core §2), for `claims_supported`. */
const ID_TOKEN_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'azp', 'at_hash', 'sid'];

/** OpenID Connect Discovery §3 `claims_supported`: every claim this server can supply. */
export const CLAIMS_SUPPORTED: readonly string[] = [...ID_TOKEN_CLAIMS, ...Object.values(SCOPE_CLAIMS).flat()];

export type UserInfoClaims = Record<string, string | boolean>;

/**
 * Core §5.3.2: `sub` always, then the claims of the granted scopes the user has (§5.3.2: a claim
 * without a value is omitted, not null). `email_verified` is false: Tollgate stores the address an
 * operator typed in and never proved that the user controls it (§5.1; relying parties must not
 * link accounts on an unverified address).
 */
export function userInfoClaimsOf(
  user: Pick<UserEntity, 'id' | 'username' | 'email' | 'name'>,
  scopes: readonly string[],
): UserInfoClaims {
  const claims: UserInfoClaims = { sub: user.id };
  if (scopes.includes('profile')) {
    claims.preferred_username = user.username;
    if (user.name) claims.name = user.name;
  }
  if (scopes.includes('email') && user.email) {
    claims.email = user.email;
    claims.email_verified = false;
  }
  return claims;
}
