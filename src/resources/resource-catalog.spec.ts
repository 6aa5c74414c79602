import { ProtectedResource, ResourceCatalog } from './resource-catalog';
import type { ResourceEntity } from './resource.entity';

const OAUTH = { resourceAudience: 'https://as.example/api', mcpResource: 'https://as.example/mcp' };
const NOTES: ProtectedResource = {
  resource: 'resourceAudience',
  name: 'Notes',
  scopes: { 'notes:read': 'Read your notes', 'notes:write': 'Change your notes' },
};
const PROFILE: ProtectedResource = { resource: 'resourceAudience', name: 'Profile', scopes: { profile: 'See you' } };
const MCP: ProtectedResource = { resource: 'mcpResource', name: 'MCP', scopes: { 'notes:read': 'Read notes (MCP)' } };

function row(identifier: string, extra: Partial<ResourceEntity> = {}): ResourceEntity {
  const now = new Date();
  return {
    identifier,
    name: 'Reports',
    scopes: [{ name: 'reports:read', description: 'Read reports' }],
    introspectors: ['rs1'],
    isBuiltIn: false,
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
}

async function catalogOf(declarations: ProtectedResource[], rows: ResourceEntity[] = []): Promise<ResourceCatalog> {
  const catalog = new ResourceCatalog({ find: async () => rows } as never, declarations, OAUTH as never);
  await catalog.reload();
  return catalog;
}

describe(ResourceCatalog.name, () => {
  it('merges the declarations of one resource and knows every scope, in declaration order', async () => {
    const catalog = await catalogOf([PROFILE, NOTES]);
    expect(catalog.get('https://as.example/api')).toMatchObject({ name: 'Profile, Notes', isBuiltIn: true });
    expect(catalog.scopes).toEqual(['profile', 'notes:read', 'notes:write']);
    expect(catalog.isKnown('notes:read')).toBe(true);
    expect(catalog.isKnown('admin')).toBe(false);
    expect(catalog.isKnown('toString')).toBe(false);
  });

  it('lets two resources define the same scope name, each with its own words', async () => {
    const catalog = await catalogOf([NOTES, MCP]);
    expect(catalog.scopesOf(['https://as.example/mcp'])).toEqual(['notes:read']);
    expect(catalog.describe('notes:read', ['https://as.example/mcp'])).toBe('Read notes (MCP)');
    expect(catalog.describe('notes:read', ['https://as.example/api'])).toBe('Read your notes');
    expect(catalog.describe('gone')).toBe('gone');
  });

  it('adds registered resources and the introspectors of built-in ones from the database', async () => {
    const catalog = await catalogOf(
      [NOTES],
      [
        row('https://reports.example/'),
        row('https://as.example/api', { isBuiltIn: true, scopes: [], introspectors: ['rs2'] }),
      ],
    );
    expect(catalog.get('https://reports.example/')).toMatchObject({ isBuiltIn: false, introspectors: ['rs1'] });
    // The code's declaration keeps the scopes; the row only adds who may introspect.
    expect(catalog.get('https://as.example/api')).toMatchObject({
      scopes: [
        { name: 'notes:read', description: 'Read your notes' },
        { name: 'notes:write', description: 'Change your notes' },
      ],
      introspectors: ['rs2'],
    });
    expect(catalog.scopesOf(['https://reports.example/', 'https://nowhere.example/'])).toEqual(['reports:read']);
  });

  it('refuses a scope declared twice for one resource', () => {
    const other: ProtectedResource = { ...PROFILE, name: 'Other', scopes: { 'notes:read': 'Read' } };
    expect(() => new ResourceCatalog({} as never, [NOTES, other], OAUTH as never)).toThrow(
      'the scope "notes:read" is declared twice for https://as.example/api',
    );
  });

  it.each(['', 'a b', 'quote"d', 'back\\slash'])('refuses the malformed scope %j (RFC 6749 §3.3)', (scope) => {
    expect(() => new ResourceCatalog({} as never, [{ ...PROFILE, scopes: { [scope]: 'x' } }], OAUTH as never)).toThrow(
      /malformed scope/,
    );
  });
});
