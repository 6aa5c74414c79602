import { OAuthError } from '../common/oauth/oauth.error';
import { newClientFromMetadata, readClientMetadata } from './client-metadata';

const RULES = { defaultAuthMethod: 'client_secret_basic', fallbackName: 'app.example' };

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof OAuthError) return error.code;
    throw error;
  }
  return undefined;
}

describe('client metadata (RFC 7591 §2)', () => {
  it('maps metadata to a new client with RFC 7591 defaults, dropping unknown fields', () => {
    const metadata = readClientMetadata({ redirect_uris: ['https://app.example/cb'], unknown_field: 1 });
    expect(metadata).not.toHaveProperty('unknown_field');
    expect(newClientFromMetadata(metadata, RULES)).toEqual({
      name: 'app.example',
      redirectUris: ['https://app.example/cb'],
      grantTypes: ['authorization_code'],
      scope: undefined,
      isPublic: false,
      tokenEndpointAuthMethod: 'client_secret_basic',
      metadata: { application_type: 'web' },
    });
  });

  it('keeps display metadata and makes `none` a public client', () => {
    const client = newClientFromMetadata(
      readClientMetadata({
        client_name: ' Editor ',
        logo_uri: 'https://app.example/logo.png',
        token_endpoint_auth_method: 'none',
        application_type: 'native',
        scope: 'profile  notes:read',
      }),
      RULES,
    );
    expect(client).toMatchObject({
      name: 'Editor',
      isPublic: true,
      scope: 'profile notes:read',
      metadata: { logo_uri: 'https://app.example/logo.png', application_type: 'native' },
    });
  });

  it.each([
    [{ redirect_uris: 'https://app.example/cb' }, 'invalid_redirect_uri'],
    [{ redirect_uris: [1] }, 'invalid_redirect_uri'],
    [{ client_name: 'x'.repeat(201) }, 'invalid_client_metadata'],
    [{ grant_types: 'authorization_code' }, 'invalid_client_metadata'],
    [{ application_type: 'desktop' }, 'invalid_client_metadata'],
    [null, 'invalid_client_metadata'],
    [[], 'invalid_client_metadata'],
  ])('reading %j fails with %s', (raw, code) => {
    expect(codeOf(() => readClientMetadata(raw))).toBe(code);
  });

  it.each([
    [{ logo_uri: 'http://app.example/logo.png' }],
    [{ client_uri: 'https://user:pw@app.example' }],
    [{ tos_uri: 'not a url' }],
    [{ response_types: ['code', 'token'] }],
    [{ grant_types: ['client_credentials'], response_types: ['code'] }],
    [{ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [] }, jwks_uri: 'https://app.example/jwks' }],
  ])('refuses %j with invalid_client_metadata', (raw) => {
    expect(codeOf(() => newClientFromMetadata(readClientMetadata(raw), RULES))).toBe('invalid_client_metadata');
  });
});
