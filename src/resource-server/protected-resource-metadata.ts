import type { ConfigType } from '@nestjs/config';
import type { ScopeCatalog } from '../common/oauth/scope-catalog';
import type { oauthConfig } from '../config/oauth.config';
import type { ProtectedResourceMetadataDto } from './dto/protected-resource-metadata.dto';

/** RFC 9728 §2: the metadata of the configured resource, from the APIs that declared it. */
export function buildProtectedResourceMetadata(
  oauth: Pick<ConfigType<typeof oauthConfig>, 'resourceAudience' | 'issuer' | 'baseUrl'>,
  catalog: ScopeCatalog,
): ProtectedResourceMetadataDto {
  const declarations = catalog.resources.filter((entry) => entry.resource === 'resourceAudience');
  return {
    resource: oauth.resourceAudience,
    authorization_servers: [oauth.issuer],
    scopes_supported: catalog.scopesOf('resourceAudience'),
    // RFC 9700 §4.3.2: access tokens only in the Authorization header, never in the URI.
    bearer_methods_supported: ['header'],
    resource_name: declarations.map((entry) => entry.name).join(', '),
    resource_documentation: `${oauth.baseUrl}/docs`,
  };
}
