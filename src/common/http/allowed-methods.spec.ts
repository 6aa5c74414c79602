import { AllowedMethods } from './allowed-methods';

describe(AllowedMethods.name, () => {
  const table = new AllowedMethods();
  table.add('/api/notes', ['GET', 'HEAD']);
  table.add('/api/notes', ['POST']);
  table.add('/api/notes/:id', ['GET', 'PATCH', 'DELETE']);
  table.add('/.well-known/oauth-authorization-server', ['GET']);

  it('lists the methods of a literal path', () => {
    expect(table.for('/api/notes')).toEqual(['GET', 'HEAD', 'POST']);
  });

  it('matches parameters and ignores the query string', () => {
    expect(table.for('/api/notes/abc?x=1')).toEqual(['DELETE', 'GET', 'PATCH']);
  });

  it('treats dots literally', () => {
    expect(table.for('/.well-known/oauth-authorization-server')).toEqual(['GET']);
    expect(table.for('/Xwell-known/oauth-authorization-server')).toBeUndefined();
  });

  it('knows nothing of other paths', () => {
    expect(table.for('/api/notes/a/b')).toBeUndefined();
    expect(table.for('/nope')).toBeUndefined();
  });
});
