import { ProtectedResource, ScopeCatalog } from './scope-catalog';

const NOTES: ProtectedResource = {
  resource: 'resourceAudience',
  name: 'Notes',
  scopes: { 'notes:read': 'Read your notes', 'notes:write': 'Change your notes' },
};
const PROFILE: ProtectedResource = { resource: 'resourceAudience', name: 'Profile', scopes: { profile: 'See you' } };

describe(ScopeCatalog.name, () => {
  it('knows the scopes of every declaration, in declaration order', () => {
    const catalog = new ScopeCatalog([PROFILE, NOTES]);
    expect(catalog.scopes).toEqual(['profile', 'notes:read', 'notes:write']);
    expect(catalog.isKnown('notes:read')).toBe(true);
    expect(catalog.isKnown('admin')).toBe(false);
    expect(catalog.isKnown('toString')).toBe(false);
  });

  it('describes a scope in its declaration’s words, or by its name when unknown', () => {
    const catalog = new ScopeCatalog([NOTES]);
    expect(catalog.describe('notes:write')).toBe('Change your notes');
    expect(catalog.describe('gone')).toBe('gone');
  });

  it('lists the scopes of one resource', () => {
    expect(new ScopeCatalog([PROFILE, NOTES]).scopesOf('resourceAudience')).toEqual([
      'profile',
      'notes:read',
      'notes:write',
    ]);
  });

  it('refuses a scope that two declarations claim', () => {
    const other: ProtectedResource = { ...PROFILE, name: 'Other', scopes: { 'notes:read': 'Read' } };
    expect(() => new ScopeCatalog([NOTES, other])).toThrow('the scope "notes:read" is declared by Notes and Other');
  });

  it.each(['', 'a b', 'quote"d', 'back\\slash'])('refuses the malformed scope %j (RFC 6749 §3.3)', (scope) => {
    expect(() => new ScopeCatalog([{ ...PROFILE, scopes: { [scope]: 'x' } }])).toThrow(/malformed scope/);
  });
});
