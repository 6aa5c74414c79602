import type { ProtectedResource } from '../resources/resource-catalog';

/** The sample MCP server's resource (`$ISSUER/mcp`) and the scopes its tools require. */
export const MCP_RESOURCE: ProtectedResource = {
  resource: 'mcpResource',
  name: 'Tollgate sample MCP server',
  scopes: {
    profile: 'See your username (MCP tools)',
    'notes:read': 'Read your notes (MCP tools)',
    'notes:write': 'Create notes (MCP tools)',
  },
};
