import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AuditActor, CLI_ACTOR } from '../audit/audit-events';
import { ClientsService } from '../clients/clients.service';
import { Page, PageQuery } from '../common/pagination';
import { OAuthError } from '../common/oauth/oauth.error';
import { isScopeToken, Resource, ResourceCatalog } from './resource-catalog';
import { ResourceEntity, ResourceScope } from './resource.entity';
import { resourceIdentifierProblem } from './resource-identifier';

export interface NewResource {
  identifier: string;
  name: string;
  scopes: ResourceScope[];
  introspectors?: string[];
}

/** What the admin surface shows of a resource. */
export interface ResourceView {
  identifier: string;
  name: string;
  scopes: ResourceScope[];
  introspectors: string[];
  built_in: boolean;
}

export function toResourceView(resource: Resource): ResourceView {
  return {
    identifier: resource.identifier,
    name: resource.name,
    scopes: [...resource.scopes],
    introspectors: [...resource.introspectors],
    built_in: resource.isBuiltIn,
  };
}

function invalid(description: string): OAuthError {
  return new OAuthError('invalid_request', description);
}

/** Registering the resources (APIs) Tollgate issues tokens for (RFC 8707), for the CLI and admin API. */
@Injectable()
export class ResourcesService {
  constructor(
    @InjectRepository(ResourceEntity) private readonly repository: Repository<ResourceEntity>,
    private readonly catalog: ResourceCatalog,
    private readonly clients: ClientsService,
    private readonly audit: AuditService,
  ) {}

  async create(input: NewResource, by: AuditActor = CLI_ACTOR): Promise<Resource> {
    const problem = resourceIdentifierProblem(input.identifier);
    if (problem) throw invalid(`the identifier ${problem}`);
    await this.catalog.reload();
    if (this.catalog.get(input.identifier)) throw invalid(`the resource '${input.identifier}' already exists`);
    const name = input.name?.trim() ?? '';
    if (name.length < 1 || name.length > 200) throw invalid('name must be 1 to 200 characters');
    const scopes = this.checkScopes(input.scopes);
    const now = new Date();
    const introspectors = await this.checkIntrospectors(input.introspectors ?? []);
    await this.audit.inTransaction(
      (manager) =>
        manager.insert(ResourceEntity, {
          identifier: input.identifier,
          name,
          scopes,
          introspectors,
          isBuiltIn: false,
          createdAt: now,
          updatedAt: now,
        }),
      () => ({
        type: 'resource.created',
        actor: by.actor,
        ip: by.ip,
        subject: `resource:${input.identifier}`,
        details: { name, scopes: scopes.map((scope) => scope.name), introspectors },
      }),
    );
    return this.get(input.identifier);
  }

  list(): Promise<Resource[]> {
    return this.catalog.reload().then(() => this.catalog.all());
  }

  /** Built-in resources first, then registered ones oldest first; the cursor names the last one shown. */
  async listPage(query: PageQuery, defaultLimit = 50): Promise<Page<ResourceView>> {
    const all = await this.list();
    const limit = query.limit ?? defaultLimit;
    let start = 0;
    if (query.cursor !== undefined) {
      const after = Buffer.from(query.cursor, 'base64url').toString('utf8');
      const index = /^[A-Za-z0-9_-]{1,800}$/.test(query.cursor)
        ? all.findIndex((resource) => resource.identifier === after)
        : -1;
      if (index < 0) throw invalid('cursor is not valid; pass next_cursor from the previous page');
      start = index + 1;
    }
    const page = all.slice(start, start + limit);
    const last = page.at(-1);
    return {
      items: page.map(toResourceView),
      next_cursor:
        start + limit < all.length && last ? Buffer.from(last.identifier, 'utf8').toString('base64url') : null,
    };
  }

  async get(identifier: string): Promise<Resource> {
    await this.catalog.reload();
    const resource = this.catalog.get(identifier);
    if (!resource) throw invalid(`unknown resource '${identifier}'`);
    return resource;
  }

  /** Sets who may introspect the resource's tokens (RFC 7662 §4); built-in resources too. */
  async setIntrospectors(identifier: string, introspectors: string[]): Promise<Resource> {
    const resource = await this.get(identifier);
    const checked = await this.checkIntrospectors(introspectors);
    const now = new Date();
    if (resource.isBuiltIn) {
      // A built-in resource's row only carries what the code cannot declare: its introspectors.
      await this.repository.upsert(
        {
          identifier,
          name: resource.name,
          scopes: [],
          introspectors: checked,
          isBuiltIn: true,
          createdAt: now,
          updatedAt: now,
        },
        ['identifier'],
      );
    } else {
      await this.repository.update({ identifier }, { introspectors: checked, updatedAt: now });
    }
    return this.get(identifier);
  }

  /** Deletes a registered resource; tokens already issued for it stay valid until they expire. */
  async delete(identifier: string, by: AuditActor = CLI_ACTOR): Promise<void> {
    const resource = await this.get(identifier);
    if (resource.isBuiltIn) throw invalid(`'${identifier}' is built in: it is served by this server`);
    await this.audit.inTransaction(
      (manager) => manager.delete(ResourceEntity, { identifier, isBuiltIn: false }),
      () => ({ type: 'resource.deleted', actor: by.actor, ip: by.ip, subject: `resource:${identifier}` }),
    );
    await this.catalog.reload();
  }

  private checkScopes(scopes: ResourceScope[]): ResourceScope[] {
    if (scopes.length === 0) throw invalid('a resource needs at least one scope');
    const names = new Set<string>();
    for (const scope of scopes) {
      // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
      if (!isScopeToken(scope.name)) throw invalid(`the scope '${scope.name}' is malformed`);
      if (names.has(scope.name)) throw invalid(`the scope '${scope.name}' is listed twice`);
      const description = scope.description.trim();
      if (description.length < 1 || description.length > 200) {
        throw invalid(`the scope '${scope.name}' needs a description of 1 to 200 characters`);
      }
      names.add(scope.name);
    }
    return scopes.map((scope) => ({ name: scope.name, description: scope.description.trim() }));
  }

  private async checkIntrospectors(clientIds: string[]): Promise<string[]> {
    const unique = [...new Set(clientIds)];
    for (const clientId of unique) {
      const client = await this.clients.findById(clientId);
      // RFC 7662 §2.1: introspection needs client authentication, which a public client cannot give.
      if (!client) throw invalid(`unknown client '${clientId}'`);
      if (client.isPublic) throw invalid(`'${clientId}' is a public client: it cannot introspect`);
    }
    return unique;
  }
}
