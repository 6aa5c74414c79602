import type { Type } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { ADMIN_RESOURCE } from './admin/admin.resource';
import type { ProtectedResource } from './resources/resource-catalog';
import { McpModule } from './mcp/mcp.module';
import { USERINFO_RESOURCE } from './oidc/userinfo.resource';
import { MCP_RESOURCE } from './mcp/mcp.resource';
import { UserDataModule } from './user-data/user-data.module';
import { USER_DATA_RESOURCE } from './user-data/user-data.resource';

/** A protected API: its module, and the resource and scopes it declares. */
export interface ProtectedApi {
  module: Type;
  resource: ProtectedResource;
}

/**
 * The protected APIs this server hosts. A new API is its own module folder plus one line here: the
 * app loads its module, and its scopes join the catalog that clients, consent and metadata read.
 */
export const PROTECTED_APIS: readonly ProtectedApi[] = [
  { module: UserDataModule, resource: USER_DATA_RESOURCE },
  { module: McpModule, resource: MCP_RESOURCE },
  { module: AdminModule, resource: ADMIN_RESOURCE },
];

/**
 * The built-in resources of a server hosting these APIs: theirs, then the authorization server's own
 * (OpenID Connect UserInfo, the home of the scopes openid and email), which is always there.
 */
export function builtInResources(apis: readonly ProtectedApi[]): ProtectedResource[] {
  return [...apis.map((api) => api.resource), USERINFO_RESOURCE];
}
