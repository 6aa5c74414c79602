import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { timestampColumn } from '../database/columns';

/** Client ids are at most this long (the column; a metadata document's URL is its client id); a longer one names no client. */
export const MAX_CLIENT_ID_LENGTH = 255;
/** Longest `client_id` parameter accepted on the wire; anything between the two is an unknown client. */
export const MAX_PRESENTED_CLIENT_ID_LENGTH = 200;

/**
 * How a client came to exist: `clients:create` (operator), RFC 7591 dynamic registration (dynamic),
 * or a Client ID Metadata Document fetched from its client id (metadata_document).
 */
export type RegistrationType = 'operator' | 'dynamic' | 'metadata_document';

/** RFC 7591 §2 metadata kept for display and RFC 7592 reads; none of it changes what the client may do. */
export interface ClientMetadata {
  client_uri?: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  contacts?: string[];
  software_id?: string;
  software_version?: string;
  application_type?: 'web' | 'native';
}

/** A registered client application (RFC 6749 §2). */
@Entity({ name: 'oauth_clients' })
@Index('idx_oauth_clients_registration', ['registrationType', 'lastUsedAt'])
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
  @Column({ name: 'registration_type', type: 'varchar', length: 20, default: 'operator' })
  registrationType: RegistrationType;

  /** RFC 7592 §3: hex SHA-256 of the registration access token; null for operator and metadata-document clients. */
  @Column({ name: 'registration_token_hash', type: 'varchar', length: 64, nullable: true })
  registrationTokenHash: string | null;

  @Column({ name: 'client_metadata', type: 'simple-json', nullable: true })
  metadata: ClientMetadata | null;

  /** When the client last authenticated, recorded at most once a day (to reap unused self-registered clients). */
  @Column(timestampColumn('last_used_at', { nullable: true }))
  lastUsedAt: Date | null;

  @Column(timestampColumn('created_at'))
  createdAt: Date;

  @Column(timestampColumn('updated_at'))
  updatedAt: Date;
}
