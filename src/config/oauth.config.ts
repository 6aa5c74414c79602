import { registerAs } from '@nestjs/config';
import { loadEnvironment } from './env.validation';

/** Issuer, audiences, lifetimes and enabled grants of the authorization server. */
export const oauthConfig = registerAs('oauth', () => {
  const env = loadEnvironment();
  const issuer = env.ISSUER;
  const base = issuer.replace(/\/+$/, '');
  return {
    issuer,
    /** Base URL for building endpoint URLs: the issuer without a trailing slash. */
    baseUrl: base,
    resourceAudience: env.RESOURCE_AUDIENCE,
    /** The sample MCP server's resource (RFC 8707, RFC 9728). */
    mcpResource: `${base}/mcp`,
    /** OpenID Connect: the UserInfo endpoint, the resource of this server's own scopes (openid, email). */
    userinfoResource: `${base}/oauth/userinfo`,
    /** The admin API's resource: client-credentials tokens with scope `admin` only. */
    adminResource: `${base}/admin`,
    isSecureIssuer: issuer.startsWith('https:'),
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
    authCodeTtlSeconds: env.AUTH_CODE_TTL_SECONDS,
    deviceCodeTtlSeconds: env.DEVICE_CODE_TTL_SECONDS,
    clockLeewaySeconds: env.CLOCK_LEEWAY_SECONDS,
    signingKeyRefreshSeconds: env.SIGNING_KEY_REFRESH_SECONDS,
    allowImplicitGrant: env.ALLOW_IMPLICIT_GRANT,
    allowPasswordGrant: env.ALLOW_PASSWORD_GRANT,
    keyEncryptionSecret: env.KEY_ENCRYPTION_SECRET,
  };
});

export type OAuthConfig = ReturnType<typeof oauthConfig>;
