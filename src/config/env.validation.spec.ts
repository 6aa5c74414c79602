import { EnvironmentError, validate } from './env.validation';

function problemsOf(raw: Record<string, string>): string[] {
  try {
    validate(raw);
  } catch (error) {
    if (error instanceof EnvironmentError) return error.problems;
    throw error;
  }
  return [];
}

describe(validate.name, () => {
  it('fills every default from PRODUCT.md', () => {
    const env = validate({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      ISSUER: 'http://localhost:3000',
      RESOURCE_AUDIENCE: 'http://localhost:3000/api',
      DATABASE_URL: 'sqlite:./data/tollgate.sqlite',
      DB_MIGRATIONS_RUN: true,
      ACCESS_TOKEN_TTL_SECONDS: 600,
      REFRESH_TOKEN_TTL_SECONDS: 2592000,
      AUTH_CODE_TTL_SECONDS: 60,
      DEVICE_CODE_TTL_SECONDS: 600,
      ALLOW_IMPLICIT_GRANT: false,
      ALLOW_PASSWORD_GRANT: false,
      RATE_LIMIT_ENABLED: true,
    });
  });

  it('derives the issuer from PORT and the audience from the issuer', () => {
    expect(validate({ PORT: '8080' }).ISSUER).toBe('http://localhost:8080');
    const env = validate({ ISSUER: 'https://auth.example.com' });
    expect(env.RESOURCE_AUDIENCE).toBe('https://auth.example.com/api');
  });

  it('reads numbers and booleans from strings', () => {
    const env = validate({ ACCESS_TOKEN_TTL_SECONDS: '120', ALLOW_PASSWORD_GRANT: 'true', DB_MIGRATIONS_RUN: 'false' });
    expect(env.ACCESS_TOKEN_TTL_SECONDS).toBe(120);
    expect(env.ALLOW_PASSWORD_GRANT).toBe(true);
    expect(env.DB_MIGRATIONS_RUN).toBe(false);
  });

  it('treats an empty variable as unset', () => {
    expect(validate({ PORT: '' }).PORT).toBe(3000);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({
      ACCESS_TOKEN_TTL_SECONDS: 'banana',
      ALLOW_IMPLICIT_GRANT: 'maybe',
      NODE_ENV: 'staging',
    });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/ACCESS_TOKEN_TTL_SECONDS: .*integer.*"banana"/);
    expect(problems.join('\n')).toMatch(/ALLOW_IMPLICIT_GRANT/);
    expect(problems.join('\n')).toMatch(/NODE_ENV/);
  });

  it('refuses numbers out of range', () => {
    expect(problemsOf({ PORT: '70000' })).toEqual([expect.stringMatching(/^PORT: /)]);
    expect(problemsOf({ AUTH_CODE_TTL_SECONDS: '0' })).toEqual([expect.stringMatching(/^AUTH_CODE_TTL_SECONDS: /)]);
    expect(problemsOf({ DEVICE_CODE_TTL_SECONDS: '5' })).toEqual([expect.stringMatching(/^DEVICE_CODE_TTL_SECONDS: /)]);
  });

  it.each([
    ['http://auth.example.com', /https/],
    ['https://auth.example.com?x=1', /query or fragment/],
    ['https://auth.example.com#f', /query or fragment/],
    ['not a url', /absolute URL/],
  ])('refuses the issuer %s (RFC 8414 §2)', (issuer, message) => {
    expect(problemsOf({ ISSUER: issuer })).toEqual([expect.stringMatching(message)]);
  });

  it.each(['http://localhost:3000', 'http://127.0.0.1:4000', 'http://[::1]:3000', 'https://auth.example.com/tenant'])(
    'accepts the issuer %s',
    (issuer) => {
      expect(validate({ ISSUER: issuer }).ISSUER).toBe(issuer);
    },
  );

  it('never echoes a database password or the key-encryption secret', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://u:hunter2@db/x', KEY_ENCRYPTION_SECRET: 'short-secret' });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).not.toMatch(/hunter2|short-secret/);
  });
});
