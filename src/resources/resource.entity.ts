import { Column, Entity, PrimaryColumn } from 'typeorm';
import { timestampColumn } from '../database/columns';

export interface ResourceScope {
  name: string;
  /** What the scope lets a client do, in words for the resource owner (the consent page). */
  description: string;
}

/**
 * An API that accepts Tollgate's access tokens (RFC 8707 §2 resource; RFC 9728 §2). A built-in
 * resource (one this server hosts) is declared in code; its row only carries its introspectors.
 */
@Entity({ name: 'resources' })
export class ResourceEntity {
  /** An absolute URI without fragment: the `aud` of its tokens. */
  @PrimaryColumn({ name: 'identifier', type: 'varchar', length: 500 })
  identifier: string;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'scopes', type: 'simple-json' })
  scopes: ResourceScope[];

  /** Client ids that may introspect this resource's tokens (RFC 7662 §4). */
  @Column({ name: 'introspectors', type: 'simple-json' })
  introspectors: string[];

  @Column({ name: 'is_built_in', type: 'boolean', default: 0 })
  isBuiltIn: boolean;

  @Column(timestampColumn('created_at'))
  createdAt: Date;

  @Column(timestampColumn('updated_at'))
  updatedAt: Date;
}
