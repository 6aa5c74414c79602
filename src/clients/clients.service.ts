import { forwardRef, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Equal, MoreThan, Repository } from 'typeorm';
import { decodePageCursor, Page, PageQuery, toPage } from '../common/pagination';
import { AuditService } from '../audit/audit.service';
import { AuditActor, CLI_ACTOR } from '../audit/audit-events';
import { randomToken, sha256Hex } from '../common/crypto';
import { OAuthError } from '../common/oauth/oauth.error';
import { ResourceCatalog } from '../resources/resource-catalog';
import { formatScope, parseScope } from '../common/oauth/scopes';
import { fromSqlDatetime } from '../database/sql-time';
import { GrantRegistry } from '../tokens/grants/grant.registry';
import { ClientAuthMethodRegistry } from './auth-methods/client-auth-method.registry';
import { ClientEntity, MAX_CLIENT_ID_LENGTH } from './client.entity';
import { redirectUriProblem } from './redirect-uri';

const SELECT_CLIENT =
  'SELECT client_id, name, secret_hash, redirect_uris, grant_types, scope, token_endpoint_auth_method, ' +
  'is_public, is_pkce_exempt, resources, created_at, updated_at FROM oauth_clients WHERE client_id = ?';

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
}

/** What an operator may change on a client (PATCH /admin/clients/:id); omitted fields stay. */
export interface ClientChanges {
  name?: string;
  redirectUris?: string[];
  grantTypes?: string[];
  scope?: string;
  isPkceExempt?: boolean;
  /** null: any registered resource. */
  resources?: string[] | null;
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

/** The wire name of a ClientChanges field, for the audit log. */
function toWireName(field: string): string {
  const names: Record<string, string> = {
    redirectUris: 'redirect_uris',
    grantTypes: 'grant_types',
    isPkceExempt: 'pkce_exempt',
  };
  return names[field] ?? field;
}

function unknownClient(clientId: string): OAuthError {
  return new OAuthError('invalid_request', `unknown client '${clientId}'`);
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
    private readonly audit: AuditService,
  ) {}

  /**
   * Registers a client; the secret (confidential clients only) is returned once and stored as a hash.
   * Scopes of client-credentials-only resources (`admin`) are refused here: only an operator grants
   * them (createForOperator), never a self-registration path.
   */
  async create(
    input: NewClient,
    by: AuditActor = CLI_ACTOR,
    event: 'client.created' | 'client.registered' = 'client.created',
  ): Promise<{ client: ClientEntity; clientSecret?: string }> {
    return this.insert(input, by, event, false);
  }

  /**
   * An operator's registration (the CLI's `clients:create`, `POST /admin/clients`): it may grant
   * operator-only scopes such as `admin`. Answers what `clients:show` prints plus the secret, once.
   */
  async createForOperator(
    input: NewClient,
    by: AuditActor = CLI_ACTOR,
  ): Promise<ClientView & { client_secret?: string }> {
    const { client, clientSecret } = await this.insert(input, by, 'client.created', true);
    // Read back, as stored.
    const stored = await this.getById(client.clientId);
    return { ...toClientView(stored), ...(clientSecret ? { client_secret: clientSecret } : {}) };
  }

  private async insert(
    input: NewClient,
    by: AuditActor,
    event: 'client.created' | 'client.registered',
    isOperator: boolean,
  ): Promise<{ client: ClientEntity; clientSecret?: string }> {
    const client = this.buildClient(input);
    if (!isOperator) this.refuseOperatorScopes(client.scope);
    client.resources = await this.checkResources(input.resources);
    const usesSecret = this.authMethods.find(client.tokenEndpointAuthMethod)?.usesClientSecret === true;
    const clientSecret = usesSecret ? randomToken(32) : undefined;
    client.secretHash = clientSecret ? sha256Hex(clientSecret) : null;
    await this.audit.inTransaction(
      (manager) => manager.insert(ClientEntity, client),
      () => ({
        type: event,
        actor: by.actor,
        ip: by.ip,
        subject: `client:${client.clientId}`,
        clientId: client.clientId,
        details: {
          name: client.name,
          grant_types: client.grantTypes,
          scope: client.scope,
          token_endpoint_auth_method: client.tokenEndpointAuthMethod,
          redirect_uris: client.redirectUris,
        },
      }),
    );
    return { client, clientSecret };
  }

  /**
   * Changes to a client, validated as at registration; answers the client as stored. Operator-only
   * scopes (`admin`) may be added only with `isOperator` (the admin API), never by a client itself.
   */
  async update(
    clientId: string,
    changes: ClientChanges,
    by: AuditActor = CLI_ACTOR,
    isOperator = false,
  ): Promise<ClientEntity> {
    const current = await this.getById(clientId);
    const checked = this.buildClient({
      name: changes.name ?? current.name,
      redirectUris: changes.redirectUris ?? current.redirectUris,
      grantTypes: changes.grantTypes ?? current.grantTypes,
      scope: changes.scope ?? current.scope,
      isPublic: current.isPublic,
      tokenEndpointAuthMethod: current.tokenEndpointAuthMethod,
      isPkceExempt: changes.isPkceExempt ?? current.isPkceExempt,
    });
    if (!isOperator && changes.scope !== undefined) this.refuseOperatorScopes(checked.scope);
    const resources =
      changes.resources === undefined
        ? current.resources
        : changes.resources === null
          ? null
          : await this.checkResources(changes.resources);
    const update = {
      name: checked.name,
      redirectUris: checked.redirectUris,
      grantTypes: checked.grantTypes,
      scope: checked.scope,
      isPkceExempt: checked.isPkceExempt,
      resources,
      updatedAt: new Date(),
    };
    const changed = Object.keys(changes).filter((key) => changes[key as keyof ClientChanges] !== undefined);
    await this.audit.inTransaction(
      async (manager) => {
        const result = await manager.update(ClientEntity, { clientId }, update);
        if (!result.affected) throw unknownClient(clientId);
      },
      () => ({
        type: 'client.updated',
        actor: by.actor,
        ip: by.ip,
        subject: `client:${clientId}`,
        clientId,
        details: { changed: changed.map(toWireName) },
      }),
    );
    return this.getById(clientId);
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
    if (!client) throw unknownClient(clientId);
    return client;
  }

  list(): Promise<ClientEntity[]> {
    return this.clients.find({ order: { createdAt: 'ASC', clientId: 'ASC' } });
  }

  count(): Promise<number> {
    return this.clients.count();
  }

  /** Oldest first, keyset-paginated on (created_at, client_id). */
  async listPage(query: PageQuery, defaultLimit = 50): Promise<Page<ClientView>> {
    const limit = query.limit ?? defaultLimit;
    const after = query.cursor === undefined ? undefined : decodePageCursor(query.cursor);
    const rows = await this.clients.find({
      where: after
        ? [{ createdAt: MoreThan(after.at) }, { createdAt: Equal(after.at), clientId: MoreThan(after.key) }]
        : {},
      order: { createdAt: 'ASC', clientId: 'ASC' },
      take: limit + 1,
    });
    return toPage(rows, limit, toClientView, (row) => ({ at: row.createdAt, key: row.clientId }));
  }

  /** Replaces the secret of a confidential client; the old one stops working at once. */
  async rotateSecret(clientId: string, by: AuditActor = CLI_ACTOR): Promise<string> {
    const client = await this.getById(clientId);
    // RFC 6749 §2.1: a public client has no credentials to rotate.
    const usesSecret = this.authMethods.find(client.tokenEndpointAuthMethod)?.usesClientSecret === true;
    if (client.isPublic || !usesSecret) throw new OAuthError('invalid_request', 'This client has no secret');
    const clientSecret = randomToken(32);
    await this.audit.inTransaction(
      (manager) =>
        manager.update(ClientEntity, { clientId }, { secretHash: sha256Hex(clientSecret), updatedAt: new Date() }),
      () => ({ type: 'client.secret_rotated', actor: by.actor, ip: by.ip, subject: `client:${clientId}`, clientId }),
    );
    return clientSecret;
  }

  /** Deletes a client; its codes, tokens and consents go with it (ON DELETE CASCADE). */
  async delete(clientId: string, by: AuditActor = CLI_ACTOR): Promise<void> {
    await this.audit.inTransaction(
      async (manager) => {
        const result = await manager.delete(ClientEntity, { clientId });
        if (!result.affected) throw unknownClient(clientId);
      },
      () => ({ type: 'client.deleted', actor: by.actor, ip: by.ip, subject: `client:${clientId}`, clientId }),
    );
  }

  /** Only an operator registers a client for scopes of a client-credentials-only resource. */
  private refuseOperatorScopes(scope: string): void {
    const operatorScopes = new Set(this.catalog.operatorScopes);
    const refused = (parseScope(scope) ?? []).filter((entry) => operatorScopes.has(entry));
    if (refused.length > 0) throw metadataError(`scope not available to this registration: ${refused.join(' ')}`);
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

    const scopes = parseScope(input.scope ?? formatScope(this.catalog.scopes));
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
      createdAt: now,
      updatedAt: now,
    });
  }
}
