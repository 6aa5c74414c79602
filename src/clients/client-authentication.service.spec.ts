import { Test } from '@nestjs/testing';
import { sha256Hex } from '../common/crypto';
import { OAuthError } from '../common/oauth/oauth.error';
import { AttemptLimiter } from '../common/throttling/attempt-limiter.service';
import { RateLimitStore } from '../common/throttling/rate-limit.store';
import { RequestRateLimiter } from '../common/throttling/request-rate-limiter.service';
import { Metrics } from '../metrics/metrics.service';
import { Throttle } from '../common/throttling/throttle.service';
import { limitsConfig } from '../config/limits.config';
import { ClientAuthMethod, CLIENT_AUTH_METHODS } from './auth-methods/client-auth-method';
import { ClientAuthMethodRegistry } from './auth-methods/client-auth-method.registry';
import { ClientSecretBasic } from './auth-methods/client-secret-basic';
import { ClientSecretPost } from './auth-methods/client-secret-post';
import { NoClientAuthentication } from './auth-methods/none';
import { ClientEntity } from './client.entity';
import { ClientAuthenticationService } from './client-authentication.service';
import { ClientsService } from './clients.service';
import { ClientResolver } from './client-resolver.service';

const SECRET = 'secret-with-unreserved-chars.~_-';

function client(clientId: string, method: string): ClientEntity {
  return Object.assign(new ClientEntity(), {
    clientId,
    name: clientId,
    secretHash: method === 'none' ? null : sha256Hex(SECRET),
    redirectUris: [],
    grantTypes: ['client_credentials'],
    scope: 'profile',
    tokenEndpointAuthMethod: method,
    isPublic: method === 'none',
    isPkceExempt: false,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
}

const CLIENTS = [
  client('basic-client', 'client_secret_basic'),
  client('post-client', 'client_secret_post'),
  client('public-client', 'none'),
];

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

const METHOD_CLASSES = [ClientSecretBasic, ClientSecretPost, NoClientAuthentication];

describe(ClientAuthenticationService.name, () => {
  let service: ClientAuthenticationService;
  let limits: { isEnabled: boolean; clientAuthFailuresPerMinute: number };

  beforeEach(async () => {
    limits = { isEnabled: false, clientAuthFailuresPerMinute: 2 };
    const moduleRef = await Test.createTestingModule({
      providers: [
        ClientAuthenticationService,
        ...METHOD_CLASSES,
        {
          provide: CLIENT_AUTH_METHODS,
          useFactory: (...methods: ClientAuthMethod[]) => methods,
          inject: METHOD_CLASSES,
        },
        ClientAuthMethodRegistry,
        Throttle,
        AttemptLimiter,
        RequestRateLimiter,
        Metrics,
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
          provide: ClientResolver,
          useValue: { resolve: async (id: string) => CLIENTS.find((c) => c.clientId === id) ?? null },
        },
        {
          provide: ClientsService,
          useValue: { recordUse: async () => undefined },
        },
      ],
    }).compile();
    service = moduleRef.get(ClientAuthenticationService);
  });

  interface Attempt {
    authorization?: string;
    clientId?: unknown;
    clientSecret?: unknown;
  }

  const authenticate = ({ authorization, clientId, clientSecret }: Attempt, isPublicClientAllowed = true) =>
    service.authenticate(
      {
        authorization,
        parameters: {
          ...(clientId === undefined ? {} : { client_id: clientId }),
          ...(clientSecret === undefined ? {} : { client_secret: clientSecret }),
        },
        remoteAddress: '192.0.2.1',
      },
      { isPublicClientAllowed },
    );

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
      await rejectsWith(authenticate({ clientId: '' }), 'invalid_client', 401);
      await rejectsWith(authenticate({ clientSecret: SECRET }), 'invalid_client', 401);
    });

    it('treats a client id longer than any registered one as unknown, and an overlong parameter as invalid_request', async () => {
      await rejectsWith(authenticate({ clientId: 'p'.repeat(65) }), 'invalid_client', 401);
      await rejectsWith(authenticate({ clientId: 'p'.repeat(201) }), 'invalid_request', 400);
    });

    it('rejects a repeated or bracketed client_id with invalid_request (RFC 6749 §3.1)', async () => {
      await rejectsWith(authenticate({ clientId: ['public-client', 'public-client'] }), 'invalid_request', 400);
      const bracketed = service.authenticate(
        { parameters: { 'client_id[a]': 'public-client' }, remoteAddress: '192.0.2.1' },
        { isPublicClientAllowed: true },
      );
      await rejectsWith(bracketed, 'invalid_request', 400);
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
