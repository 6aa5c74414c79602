import { forwardRef, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Equal, In, IsNull, LessThan, MoreThan, Not, Repository } from 'typeorm';
import { decodePageCursor, Page, PageQuery, toPage } from '../common/pagination';
import { AuditService } from '../audit/audit.service';
import { AuditActor, CLI_ACTOR } from '../audit/audit-events';
import { randomToken, sha256Hex } from '../common/crypto';
import { OAuthError } from '../common/oauth/oauth.error';
import { ResourceCatalog, SERVER_SCOPES } from '../resources/resource-catalog';
import { formatScope, parseScope } from '../common/oauth/scopes';
import { fromSqlDatetime } from '../database/sql-time';
import { GrantRevocationService } from '../tokens/grant-revocation.service';
import { GrantRegistry } from '../tokens/grants/grant.registry';
import { ClientAuthMethodRegistry } from './auth-methods/client-auth-method.registry';
import { ClientEntity, ClientMetadata, MAX_CLIENT_ID_LENGTH, RegistrationType } from './client.entity';
import { CoalescedLookup } from '../database/coalesced-lookup';
import { checkClientJwks, ClientJwksError, jwksUriProblem } from './client-jwks';
import { redirectUriProblem } from './redirect-uri';

const SELECT_CLIENTS =
  'SELECT client_id, name, secret_hash, redirect_uris, grant_types, scope, token_endpoint_auth_method, ' +
  'is_public, is_pkce_exempt, resources, post_logout_redirect_uris, jwks, jwks_uri, registration_type, ' +
  'registration_token_hash, client_metadata, last_used_at, created_at, updated_at ' +
  'FROM oauth_clients WHERE client_id IN ';

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
  registration_type: string;
  registration_token_hash: string | null;
  client_metadata: string | null;
  last_used_at: string | Date | null;
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
    registrationType: row.registration_type as RegistrationType,
    registrationTokenHash: row.registration_token_hash,
    metadata: row.client_metadata === null ? null : (JSON.parse(row.client_metadata) as ClientMetadata),
    lastUsedAt: row.last_used_at === null ? null : fromSqlDatetime(row.last_used_at),
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
  /** Operator unless told; a self-registered client never gets the operator-only scopes. */
  registrationType?: RegistrationType;
  /** Only for a metadata-document client: its URL. Otherwise a random id is drawn. */
  clientId?: string;
  /** RFC 7592: hash of the registration access token of a dynamically registered client. */
  registrationTokenHash?: string;
  /** RFC 7591 §2 display metadata (client_uri, logo_uri…). */
  metadata?: ClientMetadata;
}

/** How long a client's last use may be stale: it is recorded at most once per this period (no write per request). */
const LAST_USE_PRECISION_MS = 24 * 60 * 60 * 1000;

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
  /** Shown when registered (OpenID Connect RP-Initiated Logout §3.1). */
  post_logout_redirect_uris?: string[];
  /** RFC 7591 §2, private_key_jwt clients: their public keys by value… */
  jwks?: object;
  /** …or by reference. */
  jwks_uri?: string;
  /** operator (clients:create), dynamic (RFC 7591) or metadata_document. */
  registration: RegistrationType;
  created_at: string;
  /** Self-registered clients only: last authenticated (to the day). */
  last_used_at?: string | null;
}

/** What an audit event says about a client's registration (never a secret or a key). */
function auditedMetadataOf(client: ClientEntity): Record<string, unknown> {
  return {
    name: client.name,
    grant_types: client.grantTypes,
    scope: client.scope,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    redirect_uris: client.redirectUris,
  };
}

/** A reaping that found its client already gone (another instance was first): no event, nothing written. */
class AlreadyDeleted extends Error {}

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
    registration: client.registrationType,
    created_at: client.createdAt.toISOString(),
    ...(client.registrationType === 'operator' ? {} : { last_used_at: client.lastUsedAt?.toISOString() ?? null }),
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
  /** Client rows by id; concurrent requests share one query (nothing is cached). */
  private readonly rows = new CoalescedLookup<string, ClientRow>(async (ids) => {
    const rows: ClientRow[] = await this.clients.query(`${SELECT_CLIENTS}(${ids.map(() => '?').join(', ')})`, ids);
    // Exact matches only, whatever the column's collation.
    return new Map(rows.map((row) => [row.client_id, row]));
  });

  constructor(
    @InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>,
    // The grant registry lives with the grants (TokensModule), which authenticate clients through this module.
    @Inject(forwardRef(() => GrantRegistry)) private readonly grants: GrantRegistry,
    private readonly authMethods: ClientAuthMethodRegistry,
    private readonly catalog: ResourceCatalog,
    // Tokens other clients exchanged from this client's grants (RFC 8693) die with it.
    @Inject(forwardRef(() => GrantRevocationService)) private readonly grantRevocation: GrantRevocationService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Registers a client (the CLI, RFC 7591 registration and metadata documents all come here); the
   * secret (confidential clients only) is returned once and stored as a hash.
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
    const client = await this.checked(input, isOperator);
    const clientSecret = this.usesSecret(client) ? randomToken(32) : undefined;
    client.secretHash = clientSecret ? sha256Hex(clientSecret) : null;
    await this.audit.inTransaction(
      (manager) => manager.insert(ClientEntity, client),
      () => ({
        type: event,
        actor: by.actor,
        ip: by.ip,
        subject: `client:${client.clientId}`,
        clientId: client.clientId,
        details: auditedMetadataOf(client),
      }),
    );
    return { client, clientSecret };
  }

  /** Checks a new client's metadata as `create` would, without storing anything. */
  async check(input: NewClient): Promise<void> {
    await this.checked(input, false);
  }

  /**
   * Every rule a client passes before it is stored, on every path (CLI, admin API, RFC 7591/7592,
   * metadata documents): its metadata, operator-only scopes, resources and keys.
   */
  private async checked(input: NewClient, isOperator: boolean): Promise<ClientEntity> {
    const client = this.buildClient(input);
    if (!isOperator) this.refuseOperatorScopes(client.scope);
    client.resources = await this.checkResources(input.resources);
    await this.checkClientKeys(client, input);
    return client;
  }

  /**
   * RFC 7592 §2.2: replaces the metadata of a dynamically registered client, checked by the same
   * rules as a new one. A client that starts using a secret gets one (returned once); a client that
   * becomes public loses it; otherwise the secret stays.
   */
  async replace(
    current: ClientEntity,
    input: NewClient,
    registrationTokenHash: string,
    by: AuditActor,
  ): Promise<{ client: ClientEntity; clientSecret?: string }> {
    const client = await this.checked(
      { ...input, clientId: current.clientId, registrationType: current.registrationType },
      false,
    );
    // What only an operator set stays as it was: a client cannot lift its own restrictions (RFC 8707
    // resources) or exemptions, nor drop its post-logout URIs, by replacing its metadata.
    client.resources = current.resources;
    client.isPkceExempt = current.isPkceExempt;
    client.postLogoutRedirectUris = current.postLogoutRedirectUris;
    const clientSecret = this.usesSecret(client) && current.secretHash === null ? randomToken(32) : undefined;
    client.secretHash = this.usesSecret(client) ? (clientSecret ? sha256Hex(clientSecret) : current.secretHash) : null;
    client.createdAt = current.createdAt;
    client.lastUsedAt = current.lastUsedAt;
    client.registrationTokenHash = registrationTokenHash;
    const { clientId, createdAt: _createdAt, ...changes } = client;
    await this.audit.inTransaction(
      async (manager) => {
        const result = await manager.update(
          ClientEntity,
          { clientId, registrationTokenHash: current.registrationTokenHash ?? '' },
          changes,
        );
        // Another update rotated the registration token first: this one lost (RFC 7592 §2.2).
        if (!result.affected) {
          throw new OAuthError('invalid_token', 'The registration access token is no longer valid', {
            challenge: 'Bearer',
          });
        }
      },
      () => ({
        type: 'client.updated',
        actor: by.actor,
        ip: by.ip,
        subject: `client:${clientId}`,
        clientId,
        details: { ...auditedMetadataOf(client), secret_issued: clientSecret !== undefined },
      }),
    );
    return { client, clientSecret };
  }

  /**
   * Stores the client a metadata document describes (its row anchors codes, tokens and consents),
   * replacing what an earlier fetch stored; the document is the truth, so it is re-checked each time.
   */
  async saveMetadataDocumentClient(input: NewClient & { clientId: string }): Promise<ClientEntity> {
    const client = this.buildClient({ ...input, registrationType: 'metadata_document' });
    const { clientId, createdAt: _createdAt, lastUsedAt: _lastUsedAt, ...changes } = client;
    const updated = await this.clients.update({ clientId, registrationType: 'metadata_document' }, changes);
    if (!updated.affected) {
      try {
        // The first fetch of a document registers the client (PRODUCT.md: audited like RFC 7591).
        await this.audit.inTransaction(
          (manager) => manager.insert(ClientEntity, client),
          () => ({
            type: 'client.registered',
            actor: `metadata_document:${new URL(clientId).host}`,
            subject: `client:${clientId}`,
            clientId,
            details: { ...auditedMetadataOf(client), registration: 'metadata_document' },
          }),
        );
      } catch (error) {
        // Another instance stored it first: take its row over with this document.
        const retried = await this.clients.update({ clientId, registrationType: 'metadata_document' }, changes);
        if (!retried.affected) throw error;
      }
    }
    return (await this.findById(clientId)) ?? client;
  }

  /**
   * Records that a self-registered client was used, at most once a day (PRODUCT.md: unused ones are
   * reaped), so the hot path writes nothing on almost every request.
   */
  async recordUse(client: ClientEntity, now = new Date()): Promise<void> {
    if (client.registrationType === 'operator') return;
    if (client.lastUsedAt && now.getTime() - client.lastUsedAt.getTime() < LAST_USE_PRECISION_MS) return;
    const staleBefore = new Date(now.getTime() - LAST_USE_PRECISION_MS);
    await this.clients.update(
      [
        { clientId: client.clientId, lastUsedAt: IsNull() },
        { clientId: client.clientId, lastUsedAt: LessThan(staleBefore) },
      ] as never,
      { lastUsedAt: now },
    );
    client.lastUsedAt = now;
  }

  /**
   * Deletes up to `batchSize` self-registered clients unused since `before` (never used: created
   * before it); operator clients are never reaped. Returns how many went.
   */
  async deleteUnused(before: Date, batchSize: number): Promise<number> {
    const selfRegistered = In(['dynamic', 'metadata_document']);
    const rows = await this.clients.find({
      select: { clientId: true },
      where: [
        { registrationType: selfRegistered, lastUsedAt: LessThan(before) },
        { registrationType: selfRegistered, lastUsedAt: IsNull(), createdAt: LessThan(before) },
      ],
      take: batchSize,
    });
    if (rows.length === 0) return 0;
    let deleted = 0;
    for (const { clientId } of rows) {
      const isDeleted = await this.audit
        .inTransaction(
          async (manager) => {
            const result = await manager.delete(ClientEntity, { clientId, registrationType: Not('operator') });
            if (!result.affected) throw new AlreadyDeleted();
            return true;
          },
          () => ({
            type: 'client.deleted',
            actor: 'cleanup',
            subject: `client:${clientId}`,
            clientId,
            details: { reason: 'unused', unused_since: before.toISOString() },
          }),
        )
        .catch((error: unknown) => {
          if (error instanceof AlreadyDeleted) return false;
          throw error;
        });
      if (isDeleted) deleted += 1;
    }
    return deleted;
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
   * The one read path for a client row, used on every authenticated request: a hand-written
   * statement (the query builder would cost more than the query), shared by the requests that ask
   * at the same time. Each caller gets its own entity.
   */
  async findById(clientId: string): Promise<ClientEntity | null> {
    if (clientId.length > MAX_CLIENT_ID_LENGTH) return null;
    const row = await this.rows.get(clientId);
    return row ? toClient(row) : null;
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

  private usesSecret(client: ClientEntity): boolean {
    return this.authMethods.find(client.tokenEndpointAuthMethod)?.usesClientSecret === true;
  }

  /** Deletes a client; its codes, tokens and consents go with it (ON DELETE CASCADE). */
  async delete(clientId: string, by: AuditActor = CLI_ACTOR): Promise<void> {
    // Tokens other clients exchanged from this client's grants (RFC 8693) die with it.
    await this.grantRevocation.revokeExchangedFromClient(clientId);
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
    // PRODUCT.md: a self-registered client gets the everyday grants only; the password grant,
    // implicit and token exchange are an operator's decision (RFC 9700 §2.4, RFC 8693 §5).
    const selfRegistered = (input.registrationType ?? 'operator') !== 'operator';
    const reserved = descriptors.find((grant) => selfRegistered && grant?.isSelfRegistrable !== true);
    if (reserved) throw metadataError(`grant_types: ${reserved.grantType} is not available to self-registered clients`);
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

    const registrationType = input.registrationType ?? 'operator';
    // PRODUCT.md: a client that registered itself never gets an operator-only scope (`admin`).
    if (registrationType !== 'operator') this.refuseOperatorScopes(formatScope(scopes));

    const now = new Date();
    return Object.assign(new ClientEntity(), {
      clientId: input.clientId ?? newClientId(),
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
      registrationType,
      registrationTokenHash: input.registrationTokenHash ?? null,
      metadata: input.metadata ?? null,
      lastUsedAt: null,
      createdAt: now,
      updatedAt: now,
    });
  }
}
