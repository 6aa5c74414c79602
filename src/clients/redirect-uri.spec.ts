import { isRegisteredRedirectUri, redirectUriProblem } from './redirect-uri';

describe(redirectUriProblem.name, () => {
  it.each([
    'https://app.example/cb',
    'https://app.example/cb?x=1',
    'http://127.0.0.1/cb',
    'http://[::1]:8080/cb',
    'http://localhost/cb',
  ])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
  });

  it.each([
    ['http://app.example/cb', /https/],
    ['https://app.example/cb#x', /fragment/],
    ['https://app.example/cb#', /fragment/],
    ['https://*.app.example/cb', /wildcard/],
    ['https://app.example/*', /wildcard/],
    ['/cb', /absolute/],
    ['not a uri', /whitespace|absolute/],
    ['javascript:alert(1)', /scheme/],
    ['data:text/html,x', /scheme/],
    ['file:///etc/passwd', /scheme/],
    ['https://user:pw@app.example/cb', /credentials/],
    ['https://app.example/c\nb', /control/],
  ])('refuses %s (RFC 6749 §3.1.2, RFC 9700 §4.1)', (uri, reason) => {
    expect(redirectUriProblem(uri)).toMatch(reason);
  });
});

describe(isRegisteredRedirectUri.name, () => {
  const registered = ['https://app.example/cb', 'http://127.0.0.1/cb', 'http://[::1]/native'];

  it('matches registered URIs exactly', () => {
    expect(isRegisteredRedirectUri('https://app.example/cb', registered)).toBe(true);
    for (const near of [
      'https://app.example/cb/',
      'https://APP.example/cb',
      'https://app.example/cb?x=1',
      'https://app.example/Cb',
    ]) {
      expect(isRegisteredRedirectUri(near, registered)).toBe(false);
    }
  });

  it('lets a native app pick any port on a loopback IP (RFC 8252 §7.3)', () => {
    expect(isRegisteredRedirectUri('http://127.0.0.1:51234/cb', registered)).toBe(true);
    expect(isRegisteredRedirectUri('http://[::1]:8080/native', registered)).toBe(true);
    expect(isRegisteredRedirectUri('http://127.0.0.1:51234/other', registered)).toBe(false);
    expect(isRegisteredRedirectUri('http://localhost:51234/cb', registered)).toBe(false);
    expect(isRegisteredRedirectUri('https://127.0.0.1:51234/cb', registered)).toBe(false);
  });
});
