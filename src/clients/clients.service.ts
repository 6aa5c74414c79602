import { forwardRef, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { randomToken, sha256Hex } from '../common/crypto';
import { OAuthError } from '../common/oauth/oauth.error';
import { ResourceCatalog, SERVER_SCOPES } from '../resources/resource-catalog';
import { formatScope, parseScope } from '../common/oauth/scopes';
import { fromSqlDatetime } from '../database/sql-time';
import { GrantRevocationService } from '../tokens/grant-revocation.service';
import { GrantRegistry } from '../tokens/grants/grant.registry';
import { ClientAuthMethodRegistry } from './auth-methods/client-auth-method.registry';
import { ClientEntity, MAX_CLIENT_ID_LENGTH } from './client.entity';
import { checkClientJwks, ClientJwksError, jwksUriProblem } from './client-jwks';
import { redirectUriProblem } from './redirect-uri';

const SELECT_CLIENT =
  'SELECT client_id, name, secret_hash, redirect_uris, grant_types, scope, token_endpoint_auth_method, ' +
  'is_public, is_pkce_exempt, resources, post_logout_redirect_uris, jwks, jwks_uri, created_at, updated_at ' +
  'FROM oauth_clients WHERE client_id = ?';

interface ClientRow {
  client_id: string;
  name: string;
  secret_hash: string | null;
  redirect_uris: string;
  grant_types: string;
  scope: string;
  token_endpoint_auth_method: string;
  is_public: number | boolean;
  is_pkce_exempt: number | boolean;
  resources: string | null;
  post_logout_redirect_uris: string | null;
  jwks: string | null;
  jwks_uri: string | null;
  created_at: string | Date;
  updated_at: string | Date;
}

function toClient(row: ClientRow): ClientEntity {
  return Object.assign(new ClientEntity(), {
    clientId: row.client_id,
    name: row.name,
    secretHash: row.secret_hash,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    grantTypes: JSON.parse(row.grant_types) as string[],
    scope: row.scope,
    tokenEndpointAuthMethod: row.token_endpoint_auth_method,
    isPublic: Boolean(Number(row.is_public)),
    isPkceExempt: Boolean(Number(row.is_pkce_exempt)),
    resources: row.resources === null ? null : (JSON.parse(row.resources) as string[]),
    postLogoutRedirectUris:
      row.post_logout_redirect_uris === null ? null : (JSON.parse(row.post_logout_redirect_uris) as string[]),
    jwks: row.jwks,
    jwksUri: row.jwks_uri,
    createdAt: fromSqlDatetime(row.created_at),
    updatedAt: fromSqlDatetime(row.updated_at),
  });
}

export interface NewClient {
  name: string;
  redirectUris?: string[];
  grantTypes?: string[];
  scope?: string;
  isPublic?: boolean;
  tokenEndpointAuthMethod?: string;
  isPkceExempt?: boolean;
  /** RFC 8707 resources the client may use; omitted: any registered resource. */
  resources?: string[];
  /** OpenID Connect RP-Initiated Logout §3.1: where the client may send the user after logout. */
  postLogoutRedirectUris?: string[];
  /** private_key_jwt (RFC 7591 §2): the client's public keys, a JWK Set as JSON text or an object. */
  jwks?: string | object;
  /** private_key_jwt (RFC 7591 §2): the https URL of the client's JWK Set. */
  jwksUri?: string;
}

/** What the admin surface shows of a client (never the secret hash). */
export interface ClientView {
  client_id: string;
  name: string;
  redirect_uris: string[];
  grant_types: string[];
  scope: string;
  token_endpoint_auth_method: string;
  is_public: boolean;
  pkce_exempt: boolean;
  /** null: any registered resource. */
  resources: string[] | null;
  /** Shown when registered (OpenID Connect RP-Initiated Logout §3.1). */
  post_logout_redirect_uris?: string[];
  /** RFC 7591 §2, private_key_jwt clients: their public keys by value… */
  jwks?: object;
  /** …or by reference. */
  jwks_uri?: string;
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
    resources: client.resources,
    ...(client.postLogoutRedirectUris?.length ? { post_logout_redirect_uris: client.postLogoutRedirectUris } : {}),
    ...(client.jwks !== null ? { jwks: JSON.parse(client.jwks) as object } : {}),
    ...(client.jwksUri !== null ? { jwks_uri: client.jwksUri } : {}),
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
    // The grant registry lives with the grants (TokensModule), which authenticate clients through this module.
    @Inject(forwardRef(() => GrantRegistry)) private readonly grants: GrantRegistry,
    private readonly authMethods: ClientAuthMethodRegistry,
    private readonly catalog: ResourceCatalog,
    // Tokens other clients exchanged from this client's grants (RFC 8693) die with it.
    @Inject(forwardRef(() => GrantRevocationService)) private readonly grantRevocation: GrantRevocationService,
  ) {}

  /** Registers a client; the secret (confidential clients only) is returned once and stored as a hash. */
  async create(input: NewClient): Promise<{ client: ClientEntity; clientSecret?: string }> {
    const client = this.buildClient(input);
    client.resources = await this.checkResources(input.resources);
    await this.checkClientKeys(client, input);
    const usesSecret = this.authMethods.find(client.tokenEndpointAuthMethod)?.usesClientSecret === true;
    const clientSecret = usesSecret ? randomToken(32) : undefined;
    client.secretHash = clientSecret ? sha256Hex(clientSecret) : null;
    await this.clients.insert(client);
    return { client, clientSecret };
  }

  /**
   * The one read path for a client row, used on every authenticated request: one prepared
   * statement, since the query builder would cost more than the query.
   */
  async findById(clientId: string): Promise<ClientEntity | null> {
    if (clientId.length > MAX_CLIENT_ID_LENGTH) return null;
    const rows: ClientRow[] = await this.clients.query(SELECT_CLIENT, [clientId]);
    return rows.length === 1 ? toClient(rows[0]) : null;
  }

  async getById(clientId: string): Promise<ClientEntity> {
    const client = await this.findById(clientId);
    if (!client) throw new OAuthError('invalid_request', `unknown client '${clientId}'`);
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
    // RFC 6749 §2.1: a public client has no credentials to rotate.
    if (client.isPublic) throw new OAuthError('invalid_request', 'A public client has no secret');
    const clientSecret = randomToken(32);
    await this.clients.update({ clientId }, { secretHash: sha256Hex(clientSecret), updatedAt: new Date() });
    return clientSecret;
  }

  /** Deletes a client; its codes, tokens and consents go with it (ON DELETE CASCADE). */
  async delete(clientId: string): Promise<void> {
    await this.grantRevocation.revokeExchangedFromClient(clientId);
    const result = await this.clients.delete({ clientId });
    if (!result.affected) throw new OAuthError('invalid_request', `unknown client '${clientId}'`);
  }

  /**
   * RFC 7591 §2: a client of a key-based method (private_key_jwt) registers `jwks` or `jwks_uri`,
   * not both; other clients register neither. Keys by value are checked here (public signing keys only).
   */
  private async checkClientKeys(client: ClientEntity, input: NewClient): Promise<void> {
    const usesKeys = this.authMethods.find(client.tokenEndpointAuthMethod)?.usesClientKeys === true;
    const hasJwks = input.jwks !== undefined;
    const hasJwksUri = input.jwksUri !== undefined;
    if (!usesKeys) {
      if (hasJwks || hasJwksUri) throw metadataError(`${client.tokenEndpointAuthMethod} clients register no keys`);
      return;
    }
    if (hasJwks === hasJwksUri) {
      throw metadataError(`${client.tokenEndpointAuthMethod} clients register either jwks or jwks_uri`);
    }
    if (hasJwksUri) {
      const problem = jwksUriProblem(input.jwksUri as string);
      if (problem) throw metadataError(`jwks_uri ${problem}`);
      client.jwksUri = input.jwksUri as string;
      return;
    }
    try {
      client.jwks = JSON.stringify(await checkClientJwks(input.jwks));
    } catch (error) {
      if (error instanceof ClientJwksError) throw metadataError(error.message);
      throw error;
    }
  }

  /** RFC 8707: the resources a client is restricted to must be registered (or built in). */
  private async checkResources(resources: string[] | undefined): Promise<string[] | null> {
    if (resources === undefined) return null;
    const unique = [...new Set(resources)];
    for (const identifier of unique) {
      if (!(await this.catalog.find(identifier))) throw metadataError(`unknown resource '${identifier}'`);
    }
    return unique;
  }

  private buildClient(input: NewClient): ClientEntity {
    const name = input.name?.trim() ?? '';
    if (name.length < 1 || name.length > 200) throw metadataError('name must be 1 to 200 characters');

    const isPublic = input.isPublic ?? false;
    const authMethod = input.tokenEndpointAuthMethod ?? (isPublic ? 'none' : 'client_secret_basic');
    const method = this.authMethods.find(authMethod);
    if (!method) {
      throw metadataError(`token_endpoint_auth_method must be one of ${this.authMethods.names.join(', ')}`);
    }
    // RFC 7591 §2 token_endpoint_auth_method: `none` is exactly the public client (RFC 6749 §2.1).
    if (isPublic === method.isCredential) {
      throw metadataError('a public client authenticates with "none", a confidential client with a credential');
    }

    const grantTypes = [...new Set(input.grantTypes ?? ['authorization_code', 'refresh_token'])];
    const descriptors = grantTypes.map((grantType) => this.grants.describe(grantType));
    if (descriptors.some((grant) => grant === undefined) || grantTypes.length === 0) {
      throw metadataError(`grant_types must be drawn from ${this.grants.registrableGrantTypes.join(', ')}`);
    }
    // RFC 6749 §4.4: e.g. client credentials only for confidential clients.
    const closed = descriptors.find((grant) => isPublic && grant?.isPublicClientAllowed === false);
    if (closed) throw metadataError(`a public client cannot use ${closed.grantType}`);

    const redirectUris = [...new Set(input.redirectUris ?? [])];
    for (const uri of redirectUris) {
      const problem = redirectUriProblem(uri);
      if (problem) throw new OAuthError('invalid_redirect_uri', `redirect_uri '${uri}' ${problem}`);
    }
    const redirected = descriptors.filter((grant) => grant?.usesRedirectUri).map((grant) => grant?.grantType);
    // RFC 6749 §3.1.2.2: clients of redirect-based grants register their redirect URIs.
    if (redirected.length > 0 && redirectUris.length === 0) {
      throw new OAuthError('invalid_redirect_uri', `${redirected.join(' and ')} clients need a redirect URI`);
    }

    // RP-Initiated Logout §3.1: registered like redirect URIs (absolute, no fragment, https or loopback http).
    const postLogoutRedirectUris = [...new Set(input.postLogoutRedirectUris ?? [])];
    for (const uri of postLogoutRedirectUris) {
      const problem = redirectUriProblem(uri);
      if (problem) throw metadataError(`post_logout_redirect_uri '${uri}' ${problem}`);
    }

    // The server's own scopes (openid, email) are asked for by name only: OAuth-only clients stay so.
    const defaultScopes = this.catalog.scopes.filter((scope) => !SERVER_SCOPES.includes(scope));
    const scopes = parseScope(input.scope ?? formatScope(defaultScopes));
    if (!scopes || scopes.length === 0) throw metadataError('scope must be a space-separated list of scopes');
    const unknownScopes = scopes.filter((scope) => !this.catalog.isKnown(scope));
    if (unknownScopes.length > 0) throw metadataError(`unknown scope: ${unknownScopes.join(' ')}`);

    const now = new Date();
    return Object.assign(new ClientEntity(), {
      clientId: newClientId(),
      name,
      secretHash: null,
      redirectUris,
      grantTypes,
      scope: formatScope(scopes),
      tokenEndpointAuthMethod: authMethod,
      isPublic,
      isPkceExempt: input.isPkceExempt ?? false,
      resources: null,
      postLogoutRedirectUris: postLogoutRedirectUris.length > 0 ? postLogoutRedirectUris : null,
      jwks: null,
      jwksUri: null,
      createdAt: now,
      updatedAt: now,
    });
  }
}
