import type { ProtectedResource } from '../resources/resource-catalog';

/** The sample API's resource and the scopes its routes require. */
export const USER_DATA_RESOURCE: ProtectedResource = {
  resource: 'resourceAudience',
  name: 'Tollgate sample API',
  scopes: {
    profile: 'See your username',
    'notes:read': 'Read your notes',
    'notes:write': 'Create, change and delete your notes',
  },
};
