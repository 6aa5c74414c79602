import type { ProtectedResource } from '../resources/resource-catalog';

/**
 * The admin API's resource (`$ISSUER/admin`) and its one scope. Client-credentials only: `admin` is
 * never offered at consent, never a client's default, and only an operator registers a client for
 * it (`clients:create --scope admin --grant-types client_credentials`).
 */
export const ADMIN_RESOURCE: ProtectedResource = {
  resource: 'adminResource',
  name: 'Tollgate admin API',
  scopes: {
    admin: 'Administer Tollgate: clients, users, resources, signing keys and the audit log',
  },
  isClientCredentialsOnly: true,
};
