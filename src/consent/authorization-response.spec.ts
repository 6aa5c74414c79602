import { buildAuthorizationResponseUrl } from './authorization-response';

describe(buildAuthorizationResponseUrl.name, () => {
  it('appends to the query and leaves out null values', () => {
    const url = buildAuthorizationResponseUrl(
      { redirectUri: 'https://c.example/cb', responseMode: 'query', state: null },
      { code: 'abc', state: null, iss: 'https://as.example' },
    );
    expect(url).toBe('https://c.example/cb?code=abc&iss=https%3A%2F%2Fas.example');
  });

  it('keeps a registered query byte for byte (RFC 6749 §3.1.2)', () => {
    const url = buildAuthorizationResponseUrl(
      { redirectUri: 'https://c.example/cb?a=%7E+b', responseMode: 'query', state: null },
      { code: 'x' },
    );
    expect(url).toBe('https://c.example/cb?a=%7E+b&code=x');
  });

  it('puts the answer in the fragment for the implicit grant', () => {
    const url = buildAuthorizationResponseUrl(
      { redirectUri: 'https://c.example/cb', responseMode: 'fragment', state: null },
      { access_token: 't', expires_in: 600 },
    );
    expect(url).toBe('https://c.example/cb#access_token=t&expires_in=600');
  });

  it('percent-encodes CR, LF and other reserved characters (RFC 6749 §10.14)', () => {
    const state = '\r\nSet-Cookie: x=1&y#z ä';
    const url = buildAuthorizationResponseUrl(
      { redirectUri: 'https://c.example/cb', responseMode: 'query', state },
      { state },
    );
    expect(url).not.toMatch(/[\r\n ]/);
    expect(new URL(url).searchParams.get('state')).toBe(state);
  });
});
