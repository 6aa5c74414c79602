import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { parseScope } from '../common/oauth/scopes';
import { oauthConfig } from '../config/oauth.config';
import { ResourceEntity, ResourceScope } from './resource.entity';

/**
 * What a protected API hosted by this server declares about itself, as a plain constant in its own
 * folder: its resource (the oauthConfig key of the resource's URI), a name, and every scope it checks
 * with the words the consent page shows.
 */
export interface ProtectedResource {
  resource: 'resourceAudience' | 'mcpResource' | 'userinfoResource' | 'adminResource';
  /** RFC 9728 §2 `resource_name`. */
  name: string;
  /**
   * Tokens for this resource are issued only to a client for itself (RFC 6749 §4.4), never for a
   * user: its scopes are never offered at consent, never a client's default, and only a client an
   * operator registers may hold them.
   */
  isClientCredentialsOnly?: boolean;
  /** Scope → what it lets a client do, in words for the resource owner. */
  scopes: Readonly<Record<string, string>>;
}

/** A resource as the authorization server sees it: built in, or registered with `resources:create`. */
export interface Resource {
  /** RFC 8707 §2: an absolute URI without fragment; the `aud` of its tokens. */
  identifier: string;
  name: string;
  scopes: readonly ResourceScope[];
  /** Clients that may introspect its tokens (RFC 7662 §4), besides each token's own client. */
  introspectors: readonly string[];
  isBuiltIn: boolean;
  /** See ProtectedResource.isClientCredentialsOnly. */
  isClientCredentialsOnly?: boolean;
}

/** The injection token of the declarations of the APIs this server hosts (src/protected-apis.ts). */
export const RESOURCE_DECLARATIONS = Symbol('RESOURCE_DECLARATIONS');

/**
 * The authorization server's own scopes (OpenID Connect Core §5.4, PRODUCT.md "Resources"): a client
 * may ask for them with any resource. They belong to the server's own resource, the UserInfo
 * endpoint, which joins the resources of every authorization that asks for one of them.
 */
export const SERVER_SCOPES: readonly string[] = ['openid', 'email'];

/** How often an instance re-reads registered resources (a `resources:create` elsewhere). */
const RELOAD_INTERVAL_MS = 30_000;
/** An unknown identifier triggers a reload at most this often. */
const UNKNOWN_RELOAD_MS = 5_000;

/** RFC 6749 §3.3: each declared scope is one scope-token. */
export function isScopeToken(scope: string): boolean {
  return parseScope(scope)?.length === 1;
}

/**
 * Every resource the server issues tokens for, and their scopes: the built-in ones from the code's
 * declarations, the registered ones from the `resources` table (cached, reloaded every 30 s and on
 * an unknown identifier). Scope names belong to their resource: two resources may share one.
 */
@Injectable()
export class ResourceCatalog implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ResourceCatalog.name);
  private readonly declared: ReadonlyMap<string, Resource>;
  private resources: ReadonlyMap<string, Resource>;
  private loadedAt = 0;
  private reloading?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(ResourceEntity) private readonly repository: Repository<ResourceEntity>,
    @Inject(RESOURCE_DECLARATIONS) declarations: readonly ProtectedResource[],
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
  ) {
    this.declared = this.fromDeclarations(declarations);
    this.resources = this.declared;
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => {
      this.reload().catch((error: unknown) => this.logger.warn({ err: error }, 'could not reload resources'));
    }, RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** RFC 8707: the resource of requests that name none (RESOURCE_AUDIENCE). */
  get defaultResource(): string {
    return this.oauth.resourceAudience;
  }

  /** The authorization server's own resource (the UserInfo endpoint), the home of SERVER_SCOPES. */
  get serverResource(): string {
    return this.oauth.userinfoResource;
  }

  /**
   * The resources of an authorization asking for `scopes`: with one of the server's own scopes, the
   * server's resource joins them, so those scopes belong to the request's resources like any other.
   */
  withServerResource(resources: readonly string[], scopes: readonly string[]): string[] {
    const isAskingServer = scopes.some((scope) => SERVER_SCOPES.includes(scope));
    return isAskingServer && !resources.includes(this.serverResource)
      ? [...resources, this.serverResource]
      : [...resources];
  }

  /** The identifier a declaration stands for. */
  identifierOf(declaration: Pick<ProtectedResource, 'resource'>): string {
    return this.oauth[declaration.resource];
  }

  /** Every resource, built-in ones first. */
  all(): Resource[] {
    return [...this.resources.values()];
  }

  /** A resource known to this instance now (no reload). */
  get(identifier: string): Resource | undefined {
    return this.resources.get(identifier);
  }

  /** A resource, reloading once (rate-limited) when the identifier is unknown here. */
  async find(identifier: string): Promise<Resource | undefined> {
    const known = this.resources.get(identifier);
    if (known || Date.now() - this.loadedAt < UNKNOWN_RELOAD_MS) return known;
    await this.reload();
    return this.resources.get(identifier);
  }

  /**
   * Every scope of every resource open to users (RFC 8414 `scopes_supported`, a client's default
   * scope), each once: the scopes of client-credentials-only resources are not advertised.
   */
  get scopes(): string[] {
    const open = this.all().filter((resource) => !resource.isClientCredentialsOnly);
    return [...new Set(open.flatMap((resource) => resource.scopes.map((scope) => scope.name)))];
  }

  /** Scopes of client-credentials-only resources (e.g. `admin`): only an operator registers a client for them. */
  get operatorScopes(): string[] {
    const closed = this.all().filter((resource) => resource.isClientCredentialsOnly);
    return [...new Set(closed.flatMap((resource) => resource.scopes.map((scope) => scope.name)))];
  }

  isKnown(scope: string): boolean {
    return this.all().some((resource) => resource.scopes.some((entry) => entry.name === scope));
  }

  /** The scopes of these resources, each once. */
  scopesOf(identifiers: readonly string[]): string[] {
    return [
      ...new Set(identifiers.flatMap((identifier) => this.get(identifier)?.scopes.map((scope) => scope.name) ?? [])),
    ];
  }

  /** The words for a scope: its description in the first of `identifiers` (or any resource) that has it. */
  describe(scope: string, identifiers?: readonly string[]): string {
    const candidates = identifiers ? identifiers.map((identifier) => this.get(identifier)) : this.all();
    for (const resource of candidates) {
      const found = resource?.scopes.find((entry) => entry.name === scope);
      if (found) return found.description;
    }
    return scope;
  }

  /** Re-reads the registered resources; concurrent callers share one read. */
  reload(): Promise<void> {
    this.reloading ??= this.read().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async read(): Promise<void> {
    const rows = await this.repository.find({ order: { createdAt: 'ASC', identifier: 'ASC' } });
    const resources = new Map<string, Resource>();
    for (const [identifier, resource] of this.declared) {
      const overlay = rows.find((row) => row.isBuiltIn && row.identifier === identifier);
      resources.set(identifier, { ...resource, introspectors: overlay?.introspectors ?? [] });
    }
    for (const row of rows) {
      if (row.isBuiltIn || resources.has(row.identifier)) continue;
      resources.set(row.identifier, {
        identifier: row.identifier,
        name: row.name,
        scopes: row.scopes,
        introspectors: row.introspectors,
        isBuiltIn: false,
      });
    }
    this.resources = resources;
    this.loadedAt = Date.now();
  }

  private fromDeclarations(declarations: readonly ProtectedResource[]): Map<string, Resource> {
    const resources = new Map<string, Resource>();
    for (const declaration of declarations) {
      const identifier = this.identifierOf(declaration);
      const resource = resources.get(identifier) ?? {
        identifier,
        name: declaration.name,
        scopes: [],
        introspectors: [],
        isBuiltIn: true,
        isClientCredentialsOnly: declaration.isClientCredentialsOnly === true,
      };
      const scopes = [...resource.scopes];
      for (const [name, description] of Object.entries(declaration.scopes)) {
        if (!isScopeToken(name)) throw new Error(`${declaration.name} declares a malformed scope "${name}"`);
        // Two APIs on one resource cannot both own a scope: their routes would answer to one grant.
        if (scopes.some((scope) => scope.name === name)) {
          throw new Error(`the scope "${name}" is declared twice for ${identifier}`);
        }
        scopes.push({ name, description });
      }
      const name = resource.name === declaration.name ? resource.name : `${resource.name}, ${declaration.name}`;
      resources.set(identifier, { ...resource, name, scopes });
    }
    return resources;
  }
}
