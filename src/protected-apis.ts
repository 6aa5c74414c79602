import type { Type } from '@nestjs/common';
import { ADMIN_RESOURCE } from './admin/admin.resource';
import type { ProtectedResource } from './resources/resource-catalog';
import { USERINFO_RESOURCE } from './oidc/userinfo.resource';
import { MCP_RESOURCE } from './mcp/mcp.resource';
import { USER_DATA_RESOURCE } from './user-data/user-data.resource';

/**
 * A protected API: the resource and scopes it declares, and its module, either the class itself or a
 * function that imports it. The import keeps the API's controllers (and what they load: Swagger, the
 * MCP SDK) out of the admin CLI, which reads the resource alone.
 */
export type ProtectedApi = { resource: ProtectedResource } & ({ module: Type } | { load: () => Type });

type UserDataApi = typeof import('./user-data/user-data.module');
type McpApi = typeof import('./mcp/mcp.module');
type AdminApi = typeof import('./admin/admin.module');

/**
 * The protected APIs this server hosts. A new API is its own module folder plus one line here: the
 * app loads its module, and its scopes join the catalog that clients, consent and metadata read.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded on use: the CLI never loads an API's controllers */
export const PROTECTED_APIS: readonly ProtectedApi[] = [
  { load: () => (require('./user-data/user-data.module') as UserDataApi).UserDataModule, resource: USER_DATA_RESOURCE },
  { load: () => (require('./mcp/mcp.module') as McpApi).McpModule, resource: MCP_RESOURCE },
  { load: () => (require('./admin/admin.module') as AdminApi).AdminModule, resource: ADMIN_RESOURCE },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** The module of an API, for the app's module list (loaded then, and only by the app). */
export function protectedApiModule(api: ProtectedApi): Type {
  return 'module' in api ? api.module : api.load();
}

/**
 * The built-in resources of a server hosting these APIs: theirs, then the authorization server's own
 * (OpenID Connect UserInfo, the home of the scopes openid and email), which is always there.
 */
export function builtInResources(apis: readonly ProtectedApi[]): ProtectedResource[] {
  return [...apis.map((api) => api.resource), USERINFO_RESOURCE];
}
