import { toInternalPath } from './return-to';

describe(toInternalPath.name, () => {
  it.each(['/account', '/account?tab=1', '/a/b?c=d&e=f', '/%5Cevil.example'])('keeps the internal path %j', (value) => {
    expect(toInternalPath(value)).toBe(value);
  });

  it.each([
    undefined,
    '',
    'account',
    'https://evil.example',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    '/\r\nSet-Cookie: x=1',
    '/\tx',
    ' /account',
    `/${'a'.repeat(600)}`,
    // R2-01: paths that normalise to a network-path reference.
    '/.//evil.example',
    '/./\\evil.example',
    '/a/..//evil.example/phish',
    '/%2e%2e//evil.example',
    decodeURIComponent('%2F%2e%2e%2F%2Fevil.example%2Fphish'),
  ])('refuses %j', (value) => {
    expect(toInternalPath(value)).toBeUndefined();
  });

  it('drops a fragment', () => {
    expect(toInternalPath('/account#x')).toBe('/account');
  });
});
