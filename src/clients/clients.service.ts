import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { randomToken, sha256Hex } from '../common/crypto';
import { OAuthError } from '../common/oauth/oauth.error';
import { ScopeCatalog } from '../common/oauth/scope-catalog';
import { formatScope, parseScope } from '../common/oauth/scopes';
import { ClientEntity, GrantType, TokenEndpointAuthMethod } from './client.entity';
import { redirectUriProblem } from './redirect-uri';

export const GRANT_TYPES: readonly GrantType[] = [
  'authorization_code',
  'implicit',
  'password',
  'client_credentials',
  'refresh_token',
];
export const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];

export interface NewClient {
  name: string;
  redirectUris?: string[];
  grantTypes?: string[];
  scope?: string;
  isPublic?: boolean;
  tokenEndpointAuthMethod?: string;
  isPkceExempt?: boolean;
}

/** What the admin surface shows of a client (never the secret hash). */
export interface ClientView {
  client_id: string;
  name: string;
  redirect_uris: string[];
  grant_types: GrantType[];
  scope: string;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  is_public: boolean;
  pkce_exempt: boolean;
  created_at: string;
}

export function toClientView(client: ClientEntity): ClientView {
  return {
    client_id: client.clientId,
    name: client.name,
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    scope: client.scope,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    is_public: client.isPublic,
    pkce_exempt: client.isPkceExempt,
    created_at: client.createdAt.toISOString(),
  };
}

/**
 * 144 random bits in base64url, never starting with `-` or `_`: a leading dash would read as an
 * option to command-line tools (including our CLI).
 */
function newClientId(): string {
  for (;;) {
    const id = randomToken(18);
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

function metadataError(description: string): OAuthError {
  return new OAuthError('invalid_client_metadata', description);
}

/** Registered clients: registration, lookup and secret management. */
@Injectable()
export class ClientsService {
  constructor(
    @InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>,
    private readonly scopes: ScopeCatalog,
  ) {}

  /** Registers a client; the secret (confidential clients only) is returned once and stored as a hash. */
  async create(input: NewClient): Promise<{ client: ClientEntity; clientSecret?: string }> {
    const client = this.buildClient(input);
    const clientSecret = client.isPublic ? undefined : randomToken(32);
    client.secretHash = clientSecret ? sha256Hex(clientSecret) : null;
    await this.clients.insert(client);
    return { client, clientSecret };
  }

  findById(clientId: string): Promise<ClientEntity | null> {
    return this.clients.findOneBy({ clientId });
  }

  async getById(clientId: string): Promise<ClientEntity> {
    const client = await this.findById(clientId);
    if (!client) throw new OAuthError('invalid_request', `Unknown client "${clientId}"`);
    return client;
  }

  list(): Promise<ClientEntity[]> {
    return this.clients.find({ order: { createdAt: 'ASC', clientId: 'ASC' } });
  }

  count(): Promise<number> {
    return this.clients.count();
  }

  /** Replaces the secret of a confidential client; the old one stops working at once. */
  async rotateSecret(clientId: string): Promise<string> {
    const client = await this.getById(clientId);
    if (client.isPublic) throw new OAuthError('invalid_request', 'A public client has no secret');
    const clientSecret = randomToken(32);
    await this.clients.update({ clientId }, { secretHash: sha256Hex(clientSecret), updatedAt: new Date() });
    return clientSecret;
  }

  /** Deletes a client; its codes, tokens and consents go with it (ON DELETE CASCADE). */
  async delete(clientId: string): Promise<void> {
    const result = await this.clients.delete({ clientId });
    if (!result.affected) throw new OAuthError('invalid_request', `Unknown client "${clientId}"`);
  }

  private buildClient(input: NewClient): ClientEntity {
    const name = input.name?.trim() ?? '';
    if (name.length < 1 || name.length > 200) throw metadataError('name must be 1 to 200 characters');

    const isPublic = input.isPublic ?? false;
    const authMethod = input.tokenEndpointAuthMethod ?? (isPublic ? 'none' : 'client_secret_basic');
    if (!AUTH_METHODS.includes(authMethod as TokenEndpointAuthMethod)) {
      throw metadataError(`token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}`);
    }
    if (isPublic !== (authMethod === 'none')) {
      throw metadataError('a public client authenticates with "none", a confidential client with a secret');
    }

    const grantTypes = [...new Set(input.grantTypes ?? ['authorization_code', 'refresh_token'])];
    const unknown = grantTypes.filter((grant) => !GRANT_TYPES.includes(grant as GrantType));
    if (unknown.length > 0 || grantTypes.length === 0) {
      throw metadataError(`grant_types must be drawn from ${GRANT_TYPES.join(', ')}`);
    }
    // RFC 6749 §4.4: client credentials only for confidential clients.
    if (isPublic && grantTypes.includes('client_credentials')) {
      throw metadataError('a public client cannot use client_credentials');
    }

    const redirectUris = [...new Set(input.redirectUris ?? [])];
    for (const uri of redirectUris) {
      const problem = redirectUriProblem(uri);
      if (problem) throw new OAuthError('invalid_redirect_uri', `redirect_uri "${uri}" ${problem}`);
    }
    const needsRedirect = grantTypes.includes('authorization_code') || grantTypes.includes('implicit');
    if (needsRedirect && redirectUris.length === 0) {
      throw new OAuthError('invalid_redirect_uri', 'authorization_code and implicit clients need a redirect URI');
    }

    const scopes = parseScope(input.scope ?? formatScope(this.scopes.scopes));
    if (!scopes || scopes.length === 0) throw metadataError('scope must be a space-separated list of scopes');
    const unknownScopes = scopes.filter((scope) => !this.scopes.isKnown(scope));
    if (unknownScopes.length > 0) throw metadataError(`unknown scope: ${unknownScopes.join(' ')}`);

    const now = new Date();
    return Object.assign(new ClientEntity(), {
      clientId: newClientId(),
      name,
      secretHash: null,
      redirectUris,
      grantTypes: grantTypes as GrantType[],
      scope: formatScope(scopes),
      tokenEndpointAuthMethod: authMethod as TokenEndpointAuthMethod,
      isPublic,
      isPkceExempt: input.isPkceExempt ?? false,
      createdAt: now,
      updatedAt: now,
    });
  }
}
