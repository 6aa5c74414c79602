import {
  buildProtectedResourceMetadata,
  protectedResourceMetadataPath,
  protectedResourceMetadataUrl,
} from './protected-resource-metadata';

describe('buildProtectedResourceMetadata', () => {
  it('describes one resource with its scopes (RFC 9728 §2)', () => {
    const resource = {
      identifier: 'https://as.example/api',
      name: 'Notes, Reports',
      scopes: [
        { name: 'notes:read', description: 'Read' },
        { name: 'reports:read', description: 'Read reports' },
      ],
      introspectors: ['rs1'],
      isBuiltIn: true,
    };
    expect(
      buildProtectedResourceMetadata({ issuer: 'https://as.example', baseUrl: 'https://as.example' }, resource),
    ).toEqual({
      resource: 'https://as.example/api',
      authorization_servers: ['https://as.example'],
      scopes_supported: ['notes:read', 'reports:read'],
      bearer_methods_supported: ['header'],
      resource_name: 'Notes, Reports',
      resource_documentation: 'https://as.example/docs',
    });
  });
});

describe('protectedResourceMetadataUrl', () => {
  it.each([
    ['https://as.example/mcp', 'https://as.example/.well-known/oauth-protected-resource/mcp'],
    ['https://as.example/tenant/api/', 'https://as.example/.well-known/oauth-protected-resource/tenant/api'],
    ['https://api.example', 'https://api.example/.well-known/oauth-protected-resource'],
    ['http://127.0.0.1:3000/api', 'http://127.0.0.1:3000/.well-known/oauth-protected-resource/api'],
  ])('puts the well-known path between host and path for %s (RFC 9728 §3.1)', (identifier, url) => {
    expect(protectedResourceMetadataUrl(identifier)).toBe(url);
  });

  it('gives the path this server answers on', () => {
    expect(protectedResourceMetadataPath('https://as.example/mcp')).toBe('/.well-known/oauth-protected-resource/mcp');
  });
});
