import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../common/oauth/oauth.error';
import type { RawParameters } from '../common/oauth/parameters';
import { FailureBudget, Throttle, throttleKey } from '../common/throttling/throttle.service';
import { limitsConfig } from '../config/limits.config';
import { ClientAuthFailureReason, Metrics } from '../metrics/metrics.service';
import type { ClientAuthenticationRequest } from './auth-methods/client-auth-method';
import { ClientAuthMethodRegistry } from './auth-methods/client-auth-method.registry';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';
import { ClientResolver } from './client-resolver.service';

export type { ClientAuthenticationRequest } from './auth-methods/client-auth-method';

export interface ClientAuthenticationOptions {
  /** Whether a public client (method `none`, client_id only) is acceptable here. */
  isPublicClientAllowed: boolean;
}

const FAILURE_WINDOW_SECONDS = 60;
/**
 * Across all addresses a client id meets a far higher ceiling than from one address (P10): client
 * ids are public, so failures elsewhere must not lock the client out; secrets are 256-bit, so
 * guessing is hopeless and the ceiling only bounds the work spent on it.
 */
const CLIENT_CEILING_FACTOR = 20;

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
    private readonly resolver: ClientResolver,
    private readonly clients: ClientsService,
    private readonly throttle: Throttle,
    @Inject(limitsConfig.KEY) private readonly limits: ConfigType<typeof limitsConfig>,
    private readonly metrics: Metrics,
  ) {}

  /** The authenticated client, or an OAuthError: invalid_request for a malformed attempt, invalid_client otherwise. */
  async authenticate(
    request: ClientAuthenticationRequest,
    options: ClientAuthenticationOptions,
  ): Promise<ClientEntity> {
    const { method, presented } = this.methods.read(request);
    // RFC 6819 §5.1.4.2.3: slow down online guessing of client secrets.
    const reservation = this.throttle.reserveOrThrow(
      this.budgets(presented.clientId, request.remoteAddress),
      'Too many failed client authentication attempts',
    );

    // A refused metadata document is an unknown client here: the same answer as every other failure.
    const client = await this.resolver.resolve(presented.clientId).catch((error: unknown) => {
      if (error instanceof OAuthError && error.code === 'invalid_client') return null;
      throw error;
    });
    let failure: ClientAuthFailureReason | undefined;
    if (client === null) failure = 'unknown_client';
    // A client must use the method it was registered with (PRODUCT.md, RFC 7591 §2).
    else if (client.tokenEndpointAuthMethod !== method.name) failure = 'wrong_method';
    else if (!method.isCredential && !options.isPublicClientAllowed) failure = 'public_not_allowed';
    else if (!(await method.verify(client, presented))) failure = 'bad_credentials';
    if (failure !== undefined || client === null) {
      this.metrics.clientAuthFailed(method.name, failure ?? 'unknown_client');
      await reservation.fail();
      // The same answer for an unknown client, a wrong secret and a wrong method.
      throw OAuthError.invalidClient();
    }
    reservation.release();
    await this.clients.recordUse(client);
    return client;
  }

  /**
   * P10: failures count per (client id, address) pair, so one address's failures lock out neither
   * the client elsewhere nor other clients behind the same address (a NAT).
   */
  private budgets(clientId: string, address: string): FailureBudget[] {
    const limit = this.limits.clientAuthFailuresPerMinute;
    const windowSeconds = FAILURE_WINDOW_SECONDS;
    return [
      { key: throttleKey('client-auth', 'pair', clientId, address), limit, windowSeconds },
      { key: throttleKey('client-auth', 'client', clientId), limit: limit * CLIENT_CEILING_FACTOR, windowSeconds },
    ];
  }
}
