import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { timingSafeEqual } from 'node:crypto';
import type { ClientEntity } from '../clients/client.entity';
import {
  ClientMetadataDto,
  newClientFromMetadata,
  readClientMetadata,
  RegisteredMetadata,
} from '../clients/client-metadata';
import { ClientsService } from '../clients/clients.service';
import { randomToken, sha256Hex } from '../common/crypto';
import { OAuthError } from '../common/oauth/oauth.error';
import { throttleKey, Throttle } from '../common/throttling/throttle.service';
import { oauthConfig } from '../config/oauth.config';
import { registrationConfig } from '../config/registration.config';
import { RegistrationTokensService } from './registration-tokens.service';

/** RFC 7591 §3.2.1 / RFC 7592 §3 answer: the client's metadata plus what the client needs to manage itself. */
export type RegistrationResponse = RegisteredMetadata & {
  client_id_issued_at: number;
  client_secret?: string;
  client_secret_expires_at?: number;
  registration_access_token?: string;
  registration_client_uri: string;
};

function invalidToken(description: string): OAuthError {
  // RFC 7592 §2 / RFC 6750 §3.1: a bad registration access token is a Bearer invalid_token.
  return new OAuthError('invalid_token', description, { challenge: 'Bearer' });
}

function missingToken(): OAuthError {
  // RFC 6750 §3.1: no credentials at all: a bare challenge.
  return new OAuthError('invalid_token', 'A bearer token is required', { challenge: 'Bearer', isBareChallenge: true });
}

/** The Bearer token of an Authorization header (RFC 6750 §2.1), or undefined. */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(authorization ?? '');
  return match?.[1];
}

function isSameHash(hash: string | null, token: string): boolean {
  if (hash === null) return false;
  const presented = Buffer.from(sha256Hex(token), 'hex');
  const stored = Buffer.from(hash, 'hex');
  return stored.length === presented.length && timingSafeEqual(stored, presented);
}

/** RFC 7591 registration and RFC 7592 management of dynamically registered clients. */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly clients: ClientsService,
    private readonly tokens: RegistrationTokensService,
    private readonly throttle: Throttle,
    @Inject(registrationConfig.KEY) private readonly settings: ConfigType<typeof registrationConfig>,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
  ) {}

  get isEnabled(): boolean {
    return this.settings.policy !== 'off';
  }

  /** RFC 7591 §3.1: checks the policy, the metadata, then registers (the same path as `clients:create`). */
  async register(body: unknown, authorization: string | undefined, address: string): Promise<RegistrationResponse> {
    // PRODUCT.md: registrations are rate-limited per address (under every policy).
    this.throttle.throwIfOverRate(
      throttleKey('registration', 'address', address),
      this.settings.registrationsPerHourPerAddress,
      3600,
      'Too many registrations from this address',
    );
    let initialToken: string | undefined;
    if (this.settings.policy === 'token') {
      // RFC 7591 §3: the initial access token is a Bearer token.
      initialToken = bearerTokenOf(authorization);
      if (initialToken === undefined)
        throw authorization ? invalidToken('The bearer token is malformed') : missingToken();
      // Who may register is settled before what they register is looked at.
      await this.tokens.assertUsable(initialToken);
    }
    const metadata = readClientMetadata(body);
    if (metadata.client_id !== undefined || metadata.client_secret !== undefined) {
      throw new OAuthError('invalid_client_metadata', 'The server assigns client_id and client_secret');
    }
    const input = newClientFromMetadata(metadata, {
      defaultAuthMethod: 'client_secret_basic',
      fallbackName: fallbackNameOf(metadata),
    });
    const registrationToken = randomToken(32);
    // The metadata is checked before the initial access token is spent, so bad metadata costs no use.
    const checked = {
      ...input,
      registrationType: 'dynamic' as const,
      registrationTokenHash: sha256Hex(registrationToken),
    };
    await this.clients.check(checked);
    if (initialToken !== undefined) await this.tokens.consume(initialToken);
    const { client, clientSecret } = await this.clients.create(
      checked,
      { actor: 'anonymous', ip: address },
      'client.registered',
    );
    return this.responseFor(client, { clientSecret, registrationToken });
  }

  /** RFC 7592 §2.1. */
  async read(clientId: string, authorization: string | undefined): Promise<RegistrationResponse> {
    const client = await this.authorize(clientId, authorization);
    // RFC 7592 §3: the answer carries the registration access token: the one just presented (only its hash is stored).
    return this.responseFor(client, { registrationToken: bearerTokenOf(authorization) });
  }

  /** RFC 7592 §2.2: the full metadata replaces the old; the registration access token is rotated. */
  async update(
    clientId: string,
    authorization: string | undefined,
    body: unknown,
    address: string,
  ): Promise<RegistrationResponse> {
    const current = await this.authorize(clientId, authorization);
    const metadata = readClientMetadata(body);
    if (metadata.client_id !== clientId) {
      throw new OAuthError('invalid_client_metadata', 'client_id must be the client identifier being updated');
    }
    // RFC 7592 §2.2: a client may echo its secret but never choose one.
    if (metadata.client_secret !== undefined && !isSameHash(current.secretHash, metadata.client_secret)) {
      throw new OAuthError('invalid_client_metadata', 'client_secret does not match the issued secret');
    }
    const input = newClientFromMetadata(metadata, {
      defaultAuthMethod: 'client_secret_basic',
      fallbackName: fallbackNameOf(metadata),
    });
    const registrationToken = randomToken(32);
    const { client, clientSecret } = await this.clients.replace(current, input, sha256Hex(registrationToken), {
      actor: `client:${clientId}`,
      ip: address,
    });
    return this.responseFor(client, { clientSecret, registrationToken });
  }

  /** RFC 7592 §2.3: the client, its codes, tokens and consents go at once. */
  async delete(clientId: string, authorization: string | undefined, address: string): Promise<void> {
    const client = await this.authorize(clientId, authorization);
    await this.clients.delete(client.clientId, { actor: `client:${client.clientId}`, ip: address });
  }

  /**
   * RFC 7592 §2: the registration access token must be this client's. An unknown client, another
   * client's token and a token of no client all get the same 401 (§2.1: no hint which clients exist).
   */
  private async authorize(clientId: string, authorization: string | undefined): Promise<ClientEntity> {
    if (!this.isEnabled) throw invalidToken('Client registration is turned off');
    const token = bearerTokenOf(authorization);
    if (token === undefined) throw authorization ? invalidToken('The bearer token is malformed') : missingToken();
    const client = await this.clients.findById(clientId);
    if (!client || client.registrationType !== 'dynamic' || !isSameHash(client.registrationTokenHash, token)) {
      throw invalidToken('The registration access token is not valid for this client');
    }
    return client;
  }

  private responseFor(
    client: ClientEntity,
    issued: { clientSecret?: string; registrationToken?: string },
  ): RegistrationResponse {
    const metadata = client.metadata ?? {};
    return {
      client_id: client.clientId,
      ...(issued.clientSecret ? { client_secret: issued.clientSecret } : {}),
      client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
      // RFC 7591 §3.2.1: 0 = the secret does not expire; sent with every confidential client.
      ...(client.isPublic ? {} : { client_secret_expires_at: 0 }),
      client_name: client.name,
      redirect_uris: client.redirectUris,
      grant_types: client.grantTypes,
      response_types: [
        ...(client.grantTypes.includes('authorization_code') ? ['code'] : []),
        ...(client.grantTypes.includes('implicit') ? ['token'] : []),
      ],
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      scope: client.scope,
      // RFC 7591 §3.2.1: every registered metadata field comes back, keys included.
      ...(client.jwks !== null ? { jwks: JSON.parse(client.jwks) as object } : {}),
      ...(client.jwksUri !== null ? { jwks_uri: client.jwksUri } : {}),
      ...metadata,
      ...(issued.registrationToken ? { registration_access_token: issued.registrationToken } : {}),
      registration_client_uri: `${this.oauth.baseUrl}/oauth/register/${encodeURIComponent(client.clientId)}`,
    };
  }
}

/** A client with no client_name is shown by the host it sends users back to. */
function fallbackNameOf(metadata: ClientMetadataDto): string {
  const first = metadata.redirect_uris?.[0];
  try {
    return first ? new URL(first).host || 'Unnamed application' : 'Unnamed application';
  } catch {
    return 'Unnamed application';
  }
}
