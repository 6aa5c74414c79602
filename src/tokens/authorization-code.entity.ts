import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ClientEntity, MAX_CLIENT_ID_LENGTH } from '../clients/client.entity';
import { timestampColumn } from '../database/columns';
import { UserEntity } from '../users/user.entity';

/** An authorization code (RFC 6749 §4.1.2), stored as a hash and bound to everything it was issued for. */
@Entity({ name: 'authorization_codes' })
export class AuthorizationCodeEntity {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 36 })
  id: string;

  @Index('uq_authorization_codes_hash', { unique: true })
  @Column({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash: string;

  @Index('idx_authorization_codes_client')
  @Column({ name: 'client_id', type: 'varchar', length: MAX_CLIENT_ID_LENGTH })
  clientId: string;

  @Index('idx_authorization_codes_user')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  /** The redirect_uri of the authorization request; null when it was omitted (RFC 6749 §4.1.3). */
  @Column({ name: 'redirect_uri', type: 'varchar', length: 2000, nullable: true })
  redirectUri: string | null;

  @Column({ name: 'scope', type: 'varchar', length: 1000 })
  scope: string;

  /** RFC 8707 resources of the authorization; null: the default resource. */
  @Column({ name: 'resources', type: 'simple-json', nullable: true })
  resources: string[] | null;

  @Column({ name: 'code_challenge', type: 'varchar', length: 128, nullable: true })
  codeChallenge: string | null;

  @Column({ name: 'code_challenge_method', type: 'varchar', length: 10, nullable: true })
  codeChallengeMethod: string | null;

  /** OpenID Connect Core §3.1.2.1 `nonce` of the authentication request. */
  @Column({ name: 'nonce', type: 'varchar', length: 512, nullable: true })
  nonce: string | null;

  /** When the user signed in (ID token `auth_time`); null for codes issued without a session record. */
  @Column(timestampColumn('auth_time', { nullable: true }))
  authTime: Date | null;

  /** The sign-in session's `sid` (ID token). */
  @Column({ name: 'sid', type: 'varchar', length: 64, nullable: true })
  sid: string | null;

  /** The grant (token family) that redeeming this code starts; a replay revokes it. */
  @Column({ name: 'grant_id', type: 'varchar', length: 36 })
  grantId: string;

  @Index('idx_authorization_codes_expires')
  @Column(timestampColumn('expires_at'))
  expiresAt: Date;

  @Column(timestampColumn('consumed_at', { nullable: true }))
  consumedAt: Date | null;

  @Column(timestampColumn('created_at'))
  createdAt: Date;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_authorization_codes_client' })
  client?: ClientEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_authorization_codes_user' })
  user?: UserEntity;
}
