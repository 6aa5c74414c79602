/** The tags of the OpenAPI description (/docs), in the order it lists them; every documented route has one. */
export const API_TAGS = {
  Authorization: 'Authorization',
  Token: 'Token',
  DeviceAuthorization: 'Device authorization',
  Introspection: 'Introspection',
  Revocation: 'Revocation',
  ClientRegistration: 'Client registration',
  OpenIdConnect: 'OpenID Connect',
  Discovery: 'Discovery',
  ProtectedResource: 'Protected resource',
  SampleApi: 'Sample API',
  SampleMcpServer: 'Sample MCP server',
  Operations: 'Operations',
  Admin: 'Admin',
} as const;

/** One line per tag, shown under its name in /docs. */
export const API_TAG_DESCRIPTIONS: Record<(typeof API_TAGS)[keyof typeof API_TAGS], string> = {
  Authorization:
    'The authorization endpoint (RFC 6749 §3.1): a browser page that signs the user in and asks for consent',
  Token: 'Access and refresh tokens for every grant (RFC 6749 §3.2)',
  'Device authorization': 'Device codes for input-constrained devices (RFC 8628)',
  Introspection: 'Is this token active, and what does it carry? (RFC 7662)',
  Revocation: 'Revoke an access or refresh token (RFC 7009)',
  'Client registration': 'Clients that register themselves (RFC 7591) and manage their registration (RFC 7592)',
  'OpenID Connect':
    'UserInfo (OpenID Connect Core §5.3) and RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0)',
  Discovery: 'Server metadata (RFC 8414) and the signing keys (RFC 7517)',
  'Protected resource': 'Metadata of the resources this server hosts (RFC 9728)',
  'Sample API': 'A sample REST API protected by bearer tokens (RFC 6750)',
  'Sample MCP server': 'A sample MCP server protected by bearer tokens',
  Operations: 'Health checks for load balancers and orchestrators',
  Admin:
    'Administration over HTTP: clients, users, resources, signing keys and the audit log. Needs a client-credentials access token for $ISSUER/admin with scope admin',
};
