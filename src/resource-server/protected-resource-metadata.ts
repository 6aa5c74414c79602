import type { ConfigType } from '@nestjs/config';
import type { oauthConfig } from '../config/oauth.config';
import type { Resource } from '../resources/resource-catalog';
import type { ProtectedResourceMetadataDto } from './dto/protected-resource-metadata.dto';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * RFC 9728 §3.1: the metadata URL of a resource: the well-known path inserted between the host and
 * the resource's path (`https://as.example/mcp` → `https://as.example/.well-known/oauth-protected-resource/mcp`).
 */
export function protectedResourceMetadataUrl(identifier: string): string {
  const url = new URL(identifier);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.origin}${WELL_KNOWN}${path}${url.search}`;
}

/** The path this server serves a resource's metadata at, when the resource is on this server's origin. */
export function protectedResourceMetadataPath(identifier: string): string {
  const url = new URL(protectedResourceMetadataUrl(identifier));
  return `${url.pathname}${url.search}`;
}

/** RFC 9728 §2: the metadata of one resource. */
export function buildProtectedResourceMetadata(
  oauth: Pick<ConfigType<typeof oauthConfig>, 'issuer' | 'baseUrl'>,
  resource: Resource,
): ProtectedResourceMetadataDto {
  return {
    resource: resource.identifier,
    authorization_servers: [oauth.issuer],
    scopes_supported: resource.scopes.map((scope) => scope.name),
    // RFC 9700 §4.3.2: access tokens only in the Authorization header, never in the URI.
    bearer_methods_supported: ['header'],
    resource_name: resource.name,
    resource_documentation: `${oauth.baseUrl}/docs`,
  };
}
