import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../common/oauth/oauth.error';
import type { RawParameters } from '../common/oauth/parameters';
import { FailureBudget, Throttle, throttleKey } from '../common/throttling/throttle.service';
import { limitsConfig } from '../config/limits.config';
import type { ClientAuthenticationRequest } from './auth-methods/client-auth-method';
import { ClientAuthMethodRegistry } from './auth-methods/client-auth-method.registry';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';

export type { ClientAuthenticationRequest } from './auth-methods/client-auth-method';

export interface ClientAuthenticationOptions {
  /** Whether a public client (method `none`, client_id only) is acceptable here. */
  isPublicClientAllowed: boolean;
}

const FAILURE_WINDOW_SECONDS = 60;

/** What an OAuth request offers to authenticate its client: the Authorization header and the form body. */
export function clientAuthenticationRequestOf(request: FastifyRequest): ClientAuthenticationRequest {
  const body = request.body;
  return {
    authorization: request.headers.authorization,
    parameters: typeof body === 'object' && body !== null ? (body as RawParameters) : {},
    remoteAddress: request.ip,
  };
}

/** Client authentication at every endpoint that takes it (RFC 6749 §2.3), by the methods of the registry. */
@Injectable()
export class ClientAuthenticationService {
  constructor(
    private readonly methods: ClientAuthMethodRegistry,
    private readonly clients: ClientsService,
    private readonly throttle: Throttle,
    @Inject(limitsConfig.KEY) private readonly limits: ConfigType<typeof limitsConfig>,
  ) {}

  /** The authenticated client, or an OAuthError: invalid_request for a malformed attempt, invalid_client otherwise. */
  async authenticate(
    request: ClientAuthenticationRequest,
    options: ClientAuthenticationOptions,
  ): Promise<ClientEntity> {
    const { method, presented } = this.methods.read(request);
    const budgets = this.budgets(presented.clientId, request.remoteAddress);
    // RFC 6819 §5.1.4.2.3: slow down online guessing of client secrets.
    this.throttle.throwIfBlocked(budgets, 'Too many failed client authentication attempts');

    const client = await this.clients.findById(presented.clientId);
    const isAccepted =
      client !== null &&
      // A client must use the method it was registered with (PRODUCT.md, RFC 7591 §2).
      client.tokenEndpointAuthMethod === method.name &&
      (method.isCredential || options.isPublicClientAllowed) &&
      (await method.verify(client, presented));
    if (!isAccepted) {
      await this.throttle.recordFailure(budgets);
      // The same answer for an unknown client, a wrong secret and a wrong method.
      throw OAuthError.invalidClient();
    }
    return client;
  }

  private budgets(clientId: string, address: string): FailureBudget[] {
    const limit = this.limits.clientAuthFailuresPerMinute;
    return [
      { key: throttleKey('client-auth', 'client', clientId), limit, windowSeconds: FAILURE_WINDOW_SECONDS },
      { key: throttleKey('client-auth', 'address', address), limit, windowSeconds: FAILURE_WINDOW_SECONDS },
    ];
  }
}
