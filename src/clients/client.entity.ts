import { Column, Entity, PrimaryColumn } from 'typeorm';
import { timestampColumn } from '../database/columns';

/** Client ids are at most this long (the column); a longer one names no client. */
export const MAX_CLIENT_ID_LENGTH = 64;
/** Longest `client_id` parameter accepted on the wire; anything between the two is an unknown client. */
export const MAX_PRESENTED_CLIENT_ID_LENGTH = 200;

/** A registered client application (RFC 6749 §2). */
@Entity({ name: 'oauth_clients' })
export class ClientEntity {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: MAX_CLIENT_ID_LENGTH })
  clientId: string;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  /** Hex SHA-256 of the secret; null for public clients. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64, nullable: true })
  secretHash: string | null;

  @Column({ name: 'redirect_uris', type: 'simple-json' })
  redirectUris: string[];

  /** Names from the grant registry (tokens/grants/grant.registry.ts). */
  @Column({ name: 'grant_types', type: 'simple-json' })
  grantTypes: string[];

  @Column({ name: 'scope', type: 'varchar', length: 1000 })
  scope: string;

  /** RFC 8707 resources the client may ask tokens for; null: any registered resource. */
  @Column({ name: 'resources', type: 'simple-json', nullable: true })
  resources: string[] | null;

  /** A name from the client-authentication registry (clients/auth-methods/). */
  @Column({ name: 'token_endpoint_auth_method', type: 'varchar', length: 32 })
  tokenEndpointAuthMethod: string;

  /** RFC 7591 §2 `jwks`: the client's public keys (a JSON Web Key Set, as JSON) for private_key_jwt. */
  @Column({ name: 'jwks', type: 'text', nullable: true })
  jwks: string | null;

  /** RFC 7591 §2 `jwks_uri`: where the client publishes its public keys, for private_key_jwt. */
  @Column({ name: 'jwks_uri', type: 'varchar', length: 2000, nullable: true })
  jwksUri: string | null;

  @Column({ name: 'is_public', type: 'boolean', default: 0 })
  isPublic: boolean;

  @Column({ name: 'is_pkce_exempt', type: 'boolean', default: 0 })
  isPkceExempt: boolean;

  /** OpenID Connect RP-Initiated Logout §3.1: where the client may be sent after logout; null: none. */
  @Column({ name: 'post_logout_redirect_uris', type: 'simple-json', nullable: true })
  postLogoutRedirectUris: string[] | null;

  @Column(timestampColumn('created_at'))
  createdAt: Date;

  @Column(timestampColumn('updated_at'))
  updatedAt: Date;
}
