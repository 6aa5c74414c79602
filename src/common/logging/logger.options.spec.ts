import { redactUrl } from './logger.options';

describe(redactUrl.name, () => {
  it('keeps paths and harmless parameters', () => {
    expect(redactUrl('/oauth/authorize?response_type=code&client_id=abc')).toBe(
      '/oauth/authorize?response_type=code&client_id=abc',
    );
  });

  it('replaces credential values', () => {
    const url = redactUrl('/cb?code=SECRETCODE&state=S&access_token=AT&x=1');
    expect(url).toBe('/cb?code=[redacted]&state=[redacted]&access_token=[redacted]&x=1');
  });

  it('redacts a parameter whose name cannot be decoded', () => {
    expect(redactUrl('/x?%E0%A4%A=secret')).toBe('/x?%E0%A4%A=[redacted]');
  });
});
