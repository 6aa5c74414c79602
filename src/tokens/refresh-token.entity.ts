import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ClientEntity, MAX_CLIENT_ID_LENGTH } from '../clients/client.entity';
import { timestampColumn } from '../database/columns';
import { UserEntity } from '../users/user.entity';

/** A refresh token (RFC 6749 §6), stored as a hash; one family per grant (RFC 9700 §4.14). */
@Entity({ name: 'refresh_tokens' })
export class RefreshTokenEntity {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 36 })
  id: string;

  @Index('uq_refresh_tokens_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Index('idx_refresh_tokens_grant')
  @Column({ name: 'grant_id', type: 'varchar', length: 36 })
  grantId: string;

  @Index('idx_refresh_tokens_client')
  @Column({ name: 'client_id', type: 'varchar', length: MAX_CLIENT_ID_LENGTH })
  clientId: string;

  @Index('idx_refresh_tokens_user')
  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  @Column({ name: 'scope', type: 'varchar', length: 1000 })
  scope: string;

  /** RFC 8707 resources of the grant (kept on rotation); null: the default resource. */
  @Column({ name: 'resources', type: 'simple-json', nullable: true })
  resources: string[] | null;

  /** OpenID Connect Core §12.2: the original authentication's time, for the ID tokens of refreshes. */
  @Column(timestampColumn('auth_time', { nullable: true }))
  authTime: Date | null;

  /** The sign-in session's `sid`, kept through rotation. */
  @Column({ name: 'sid', type: 'varchar', length: 64, nullable: true })
  sid: string | null;

  @Index('idx_refresh_tokens_expires')
  @Column(timestampColumn('expires_at'))
  expiresAt: Date;

  /** Set when the token is rotated; presenting it again is reuse. */
  @Column(timestampColumn('used_at', { nullable: true }))
  usedAt: Date | null;

  @Column(timestampColumn('revoked_at', { nullable: true }))
  revokedAt: Date | null;

  @Column(timestampColumn('created_at'))
  createdAt: Date;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_refresh_tokens_client' })
  client?: ClientEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_refresh_tokens_user' })
  user?: UserEntity;
}
