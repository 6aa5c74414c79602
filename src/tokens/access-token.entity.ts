import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ClientEntity, MAX_CLIENT_ID_LENGTH } from '../clients/client.entity';
import { timestampColumn } from '../database/columns';
import { UserEntity } from '../users/user.entity';

/**
 * The record of an issued JWT access token, keyed by its `jti`: it makes introspection exact and
 * lets revocation (by token, grant, client or user) reach every verifier at once.
 */
@Entity({ name: 'access_tokens' })
export class AccessTokenEntity {
  @PrimaryColumn({ name: 'jti', type: 'varchar', length: 36 })
  jti: string;

  /** The token family; null for client credentials. */
  @Index('idx_access_tokens_grant')
  @Column({ name: 'grant_id', type: 'varchar', length: 36, nullable: true })
  grantId: string | null;

  @Index('idx_access_tokens_client')
  @Column({ name: 'client_id', type: 'varchar', length: MAX_CLIENT_ID_LENGTH })
  clientId: string;

  @Index('idx_access_tokens_user')
  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  @Column({ name: 'scope', type: 'varchar', length: 1000 })
  scope: string;

  @Index('idx_access_tokens_expires')
  @Column(timestampColumn('expires_at'))
  expiresAt: Date;

  @Column(timestampColumn('revoked_at', { nullable: true }))
  revokedAt: Date | null;

  @Column(timestampColumn('created_at'))
  createdAt: Date;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_access_tokens_client' })
  client?: ClientEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_access_tokens_user' })
  user?: UserEntity;
}
