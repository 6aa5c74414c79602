import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { constantTimeEqual, sha256Hex } from '../common/crypto';
import { OAuthError } from '../common/oauth/oauth.error';
import { AttemptLimiter } from '../common/throttling/attempt-limiter.service';
import { limitsConfig } from '../config/limits.config';
import { ClientEntity, GrantType, TokenEndpointAuthMethod } from './client.entity';

/** What a request offers to identify its client (RFC 6749 §2.3). */
export interface ClientCredentials {
  /** The raw `Authorization` header, if any. */
  authorization?: string;
  /** `client_id` from the form body. */
  clientId?: string;
  /** `client_secret` from the form body. */
  clientSecret?: string;
  /** The caller's address, for throttling failures. */
  remoteAddress: string;
}

export interface ClientAuthenticationOptions {
  /** Whether a public client (method `none`, client_id only) is acceptable here. */
  isPublicClientAllowed: boolean;
}

interface PresentedCredentials {
  method: TokenEndpointAuthMethod;
  clientId: string;
  secret?: string;
}

const FAILURE_WINDOW_SECONDS = 60;
/** RFC 7617 §2: `Basic` (any case), one space, then token68 base64. */
const BASIC_HEADER = /^basic ([A-Za-z0-9+/]+={0,2})$/i;
/** Longest client id worth a database lookup; longer ones cannot exist (column is 64 characters). */
const MAX_CLIENT_ID_LENGTH = 64;

const SELECT_CLIENT =
  'SELECT client_id, name, secret_hash, redirect_uris, grant_types, scope, token_endpoint_auth_method, ' +
  'is_public, is_pkce_exempt, created_at, updated_at FROM oauth_clients WHERE client_id = ?';

interface ClientRow {
  client_id: string;
  name: string;
  secret_hash: string | null;
  redirect_uris: string;
  grant_types: string;
  scope: string;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  is_public: number | boolean;
  is_pkce_exempt: number | boolean;
  created_at: string | Date;
  updated_at: string | Date;
}

/** SQLite returns DATETIME as a UTC string, mysql2 (timezone 'Z') as a Date. */
function toDate(value: string | Date): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}

function toClient(row: ClientRow): ClientEntity {
  return Object.assign(new ClientEntity(), {
    clientId: row.client_id,
    name: row.name,
    secretHash: row.secret_hash,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    grantTypes: JSON.parse(row.grant_types) as GrantType[],
    scope: row.scope,
    tokenEndpointAuthMethod: row.token_endpoint_auth_method,
    isPublic: Boolean(Number(row.is_public)),
    isPkceExempt: Boolean(Number(row.is_pkce_exempt)),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  });
}

/** RFC 6749 §2.3.1: id and secret are form-url-encoded before Basic encoding; '+' is a space. */
function formUrlDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw OAuthError.invalidRequest('Malformed client credentials in the Authorization header');
  }
}

function parseBasic(header: string): { clientId: string; secret: string } {
  const match = BASIC_HEADER.exec(header);
  if (!match || match[1].length % 4 !== 0) {
    throw OAuthError.invalidRequest('The Authorization header must use the Basic scheme with client credentials');
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw OAuthError.invalidRequest('Malformed client credentials in the Authorization header');
  return { clientId: formUrlDecode(decoded.slice(0, colon)), secret: formUrlDecode(decoded.slice(colon + 1)) };
}

/** Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3). */
@Injectable()
export class ClientAuthenticationService {
  constructor(
    @InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>,
    private readonly limiter: AttemptLimiter,
    @Inject(limitsConfig.KEY) private readonly limits: ConfigType<typeof limitsConfig>,
  ) {}

  /** The authenticated client, or an OAuthError: invalid_request for a malformed attempt, invalid_client otherwise. */
  async authenticate(credentials: ClientCredentials, options: ClientAuthenticationOptions): Promise<ClientEntity> {
    const presented = this.readCredentials(credentials);
    const keys = [`client-auth:client:${presented.clientId}`, `client-auth:address:${credentials.remoteAddress}`];
    this.throwIfThrottled(keys);

    const client = await this.findClient(presented.clientId);
    if (!client || !this.isAccepted(client, presented, options)) {
      if (this.limits.isEnabled) {
        await Promise.all(keys.map((key) => this.limiter.recordFailure(key, FAILURE_WINDOW_SECONDS)));
      }
      // The same answer for an unknown client, a wrong secret and a wrong method.
      throw OAuthError.invalidClient();
    }
    return client;
  }

  /** RFC 6749 §2.3: exactly one authentication method per request. */
  private readCredentials({ authorization, clientId, clientSecret }: ClientCredentials): PresentedCredentials {
    if (authorization !== undefined) {
      const basic = parseBasic(authorization);
      if (clientSecret !== undefined) {
        throw OAuthError.invalidRequest('Use only one client authentication method per request');
      }
      if (clientId !== undefined && clientId !== basic.clientId) {
        throw OAuthError.invalidRequest('client_id does not match the Authorization header');
      }
      return { method: 'client_secret_basic', clientId: basic.clientId, secret: basic.secret };
    }
    if (clientId === undefined || clientId === '') {
      // RFC 6749 §5.2: no client authentication included at all is invalid_client.
      throw OAuthError.invalidClient();
    }
    if (clientSecret !== undefined) return { method: 'client_secret_post', clientId, secret: clientSecret };
    return { method: 'none', clientId };
  }

  private throwIfThrottled(keys: string[]): void {
    if (!this.limits.isEnabled) return;
    const limit = this.limits.clientAuthFailuresPerMinute;
    for (const key of keys) {
      const decision = this.limiter.check(key, limit, FAILURE_WINDOW_SECONDS);
      if (decision.isBlocked) {
        // RFC 6819 §5.1.4.2.3: slow down online guessing of client secrets.
        throw new OAuthError('temporarily_unavailable', 'Too many failed client authentication attempts', {
          status: 429,
          retryAfterSeconds: decision.retryAfterSeconds,
        });
      }
    }
  }

  /** One prepared statement per token request: the query builder would cost more than the query. */
  private async findClient(clientId: string): Promise<ClientEntity | null> {
    if (clientId.length > MAX_CLIENT_ID_LENGTH) return null;
    const rows: ClientRow[] = await this.clients.query(SELECT_CLIENT, [clientId]);
    return rows.length === 1 ? toClient(rows[0]) : null;
  }

  private isAccepted(
    client: ClientEntity,
    presented: PresentedCredentials,
    options: ClientAuthenticationOptions,
  ): boolean {
    // A client must use the method it was registered with (PRODUCT.md, RFC 7591 §2).
    if (client.tokenEndpointAuthMethod !== presented.method) return false;
    if (presented.method === 'none') return client.isPublic && options.isPublicClientAllowed;
    if (client.isPublic || client.secretHash === null || presented.secret === undefined) return false;
    // Client secrets are 256-bit random strings, so a fast hash suffices; compare hashes in constant time.
    return constantTimeEqual(sha256Hex(presented.secret), client.secretHash);
  }
}
