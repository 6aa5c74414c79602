import type { ProtectedResource } from '../resources/resource-catalog';

/**
 * The authorization server's own resource: the OpenID Connect UserInfo endpoint (`$ISSUER/oauth/userinfo`).
 * Its scopes are the server's (`openid`, `email`, SERVER_SCOPES) plus `profile`, which also means the
 * sample API's scope: a scope name belongs to each resource that declares it.
 */
export const USERINFO_RESOURCE: ProtectedResource = {
  resource: 'userinfoResource',
  name: 'Sign-in with your account on this server',
  scopes: {
    openid: 'Sign you in with your account here',
    profile: 'See your name and username',
    email: 'See your email address',
  },
};
