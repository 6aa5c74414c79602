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
  ])('refuses %j', (value) => {
    expect(toInternalPath(value)).toBeUndefined();
  });

  it('drops a fragment', () => {
    expect(toInternalPath('/account#x')).toBe('/account');
  });
});
