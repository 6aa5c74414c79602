import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { sha256Hex } from '../common/crypto';
import { OAuthError } from '../common/oauth/oauth.error';
import { AttemptLimiter } from '../common/throttling/attempt-limiter.service';
import { RateLimitStore } from '../common/throttling/rate-limit.store';
import { limitsConfig } from '../config/limits.config';
import { ClientEntity, TokenEndpointAuthMethod } from './client.entity';
import { ClientAuthenticationService, ClientCredentials } from './client-authentication.service';

const SECRET = 'secret-with-unreserved-chars.~_-';

/** Rows as the database returns them (SQLite shapes). */
function client(clientId: string, method: TokenEndpointAuthMethod) {
  return {
    client_id: clientId,
    name: clientId,
    secret_hash: method === 'none' ? null : sha256Hex(SECRET),
    redirect_uris: '[]',
    grant_types: '["client_credentials"]',
    scope: 'profile',
    token_endpoint_auth_method: method,
    is_public: method === 'none' ? 1 : 0,
    is_pkce_exempt: 0,
    created_at: '2026-11-28 12:00:00.000',
    updated_at: '2026-11-28 12:00:00.000',
  };
}

const CLIENTS = [
  client('basic-client', 'client_secret_basic'),
  client('post-client', 'client_secret_post'),
  client('public-client', 'none'),
];

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

describe(ClientAuthenticationService.name, () => {
  let service: ClientAuthenticationService;
  let limits: { isEnabled: boolean; clientAuthFailuresPerMinute: number };

  beforeEach(async () => {
    limits = { isEnabled: false, clientAuthFailuresPerMinute: 2 };
    const moduleRef = await Test.createTestingModule({
      providers: [
        ClientAuthenticationService,
        AttemptLimiter,
        {
          provide: RateLimitStore,
          useValue: {
            increment: async (_key: string, windowSeconds: number, now: number) => ({
              hits: 0,
              windowEndsMs: now + windowSeconds * 1000,
            }),
            delete: async () => undefined,
          },
        },
        { provide: limitsConfig.KEY, useValue: limits },
        {
          provide: getRepositoryToken(ClientEntity),
          useValue: { query: async (_sql: string, [id]: string[]) => CLIENTS.filter((c) => c.client_id === id) },
        },
      ],
    }).compile();
    service = moduleRef.get(ClientAuthenticationService);
  });

  const authenticate = (credentials: Omit<ClientCredentials, 'remoteAddress'>, isPublicClientAllowed = true) =>
    service.authenticate({ remoteAddress: '192.0.2.1', ...credentials }, { isPublicClientAllowed });

  const rejectsWith = async (attempt: Promise<unknown>, code: string, status: number) => {
    await expect(attempt).rejects.toBeInstanceOf(OAuthError);
    await expect(attempt).rejects.toMatchObject({ code, status });
  };

  describe('client_secret_basic', () => {
    it('authenticates the right secret', async () => {
      await expect(authenticate({ authorization: basic('basic-client', SECRET) })).resolves.toMatchObject({
        clientId: 'basic-client',
      });
    });

    it('form-url-decodes id and secret (RFC 6749 §2.3.1)', async () => {
      const encoded = `Basic ${Buffer.from(`basic%2Dclient:${encodeURIComponent(SECRET).replace(/\./g, '%2E')}`).toString('base64')}`;
      await expect(authenticate({ authorization: encoded })).resolves.toMatchObject({ clientId: 'basic-client' });
    });

    it('rejects a wrong secret, an unknown client and a client of another method with invalid_client', async () => {
      await rejectsWith(authenticate({ authorization: basic('basic-client', 'wrong') }), 'invalid_client', 401);
      await rejectsWith(authenticate({ authorization: basic('nobody', SECRET) }), 'invalid_client', 401);
      await rejectsWith(authenticate({ authorization: basic('post-client', SECRET) }), 'invalid_client', 401);
    });

    it('rejects malformed headers with invalid_request', async () => {
      for (const header of ['Basic', 'Basic Zm9v', 'Basic ***', 'Bearer x', 'Basic Og==', 'Basic JTp4']) {
        await rejectsWith(authenticate({ authorization: header }), 'invalid_request', 400);
      }
    });

    it('rejects a second method in the same request with invalid_request', async () => {
      const authorization = basic('basic-client', SECRET);
      await rejectsWith(authenticate({ authorization, clientSecret: SECRET }), 'invalid_request', 400);
      await rejectsWith(authenticate({ authorization, clientId: 'post-client' }), 'invalid_request', 400);
    });
  });

  describe('client_secret_post', () => {
    it('authenticates the right secret and rejects a wrong one', async () => {
      await expect(authenticate({ clientId: 'post-client', clientSecret: SECRET })).resolves.toMatchObject({
        clientId: 'post-client',
      });
      await rejectsWith(authenticate({ clientId: 'post-client', clientSecret: 'wrong' }), 'invalid_client', 401);
      await rejectsWith(authenticate({ clientId: 'basic-client', clientSecret: SECRET }), 'invalid_client', 401);
    });
  });

  describe('none', () => {
    it('identifies a public client by client_id where public clients are allowed', async () => {
      await expect(authenticate({ clientId: 'public-client' })).resolves.toMatchObject({ clientId: 'public-client' });
      await rejectsWith(authenticate({ clientId: 'public-client' }, false), 'invalid_client', 401);
    });

    it('rejects a confidential client without its secret and a public client with one', async () => {
      await rejectsWith(authenticate({ clientId: 'basic-client' }), 'invalid_client', 401);
      await rejectsWith(authenticate({ clientId: 'public-client', clientSecret: 'x' }), 'invalid_client', 401);
    });

    it('rejects a request that identifies no client with invalid_client', async () => {
      await rejectsWith(authenticate({}), 'invalid_client', 401);
    });
  });

  describe('throttling', () => {
    it('blocks a client id after too many failures, with 429 and Retry-After, when enabled', async () => {
      limits.isEnabled = true;
      for (let i = 0; i < 2; i += 1) {
        await rejectsWith(authenticate({ authorization: basic('basic-client', 'wrong') }), 'invalid_client', 401);
      }
      const blocked = authenticate({ authorization: basic('basic-client', SECRET) });
      await expect(blocked).rejects.toMatchObject({ status: 429, retryAfterSeconds: expect.any(Number) });
    });

    it('counts nothing while disabled', async () => {
      for (let i = 0; i < 5; i += 1) {
        await rejectsWith(authenticate({ authorization: basic('basic-client', 'wrong') }), 'invalid_client', 401);
      }
      await expect(authenticate({ authorization: basic('basic-client', SECRET) })).resolves.toBeDefined();
    });
  });
});
