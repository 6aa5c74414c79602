import { ScopeCatalog } from '../common/oauth/scope-catalog';
import { buildProtectedResourceMetadata } from './protected-resource-metadata';

const OAUTH = {
  issuer: 'https://as.example',
  baseUrl: 'https://as.example',
  resourceAudience: 'https://as.example/api',
};

describe('buildProtectedResourceMetadata', () => {
  it('describes the configured resource with the scopes every API declared for it (RFC 9728 §2)', () => {
    const catalog = new ScopeCatalog([
      { resource: 'resourceAudience', name: 'Notes', scopes: { 'notes:read': 'Read' } },
      { resource: 'resourceAudience', name: 'Reports', scopes: { 'reports:read': 'Read reports' } },
    ]);
    expect(buildProtectedResourceMetadata(OAUTH, catalog)).toEqual({
      resource: 'https://as.example/api',
      authorization_servers: ['https://as.example'],
      scopes_supported: ['notes:read', 'reports:read'],
      bearer_methods_supported: ['header'],
      resource_name: 'Notes, Reports',
      resource_documentation: 'https://as.example/docs',
    });
  });
});
