import { Column, Entity, PrimaryColumn } from 'typeorm';
import { timestampColumn } from '../database/columns';

export type GrantType = 'authorization_code' | 'implicit' | 'password' | 'client_credentials' | 'refresh_token';
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** A registered client application (RFC 6749 §2). */
@Entity({ name: 'oauth_clients' })
export class ClientEntity {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 64 })
  clientId: string;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  /** Hex SHA-256 of the secret; null for public clients. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64, nullable: true })
  secretHash: string | null;

  @Column({ name: 'redirect_uris', type: 'simple-json' })
  redirectUris: string[];

  @Column({ name: 'grant_types', type: 'simple-json' })
  grantTypes: GrantType[];

  @Column({ name: 'scope', type: 'varchar', length: 1000 })
  scope: string;

  @Column({ name: 'token_endpoint_auth_method', type: 'varchar', length: 32 })
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;

  @Column({ name: 'is_public', type: 'boolean', default: 0 })
  isPublic: boolean;

  @Column({ name: 'is_pkce_exempt', type: 'boolean', default: 0 })
  isPkceExempt: boolean;

  @Column(timestampColumn('created_at'))
  createdAt: Date;

  @Column(timestampColumn('updated_at'))
  updatedAt: Date;
}
