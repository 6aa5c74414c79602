import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { timestampColumn } from '../database/columns';
import { UserEntity } from '../users/user.entity';

/**
 * A browser session. Before login it only carries the CSRF token of the login form; after login
 * it names the user. The cookie holds a random value; only its SHA-256 is stored.
 */
@Entity({ name: 'login_sessions' })
export class LoginSessionEntity {
  /** Hex SHA-256 of the cookie value. */
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 64 })
  id: string;

  /** Null until the user has signed in. */
  @Index('idx_login_sessions_user')
  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  @Column({ name: 'csrf_token', type: 'varchar', length: 64 })
  csrfToken: string;

  @Column(timestampColumn('authenticated_at', { nullable: true }))
  authenticatedAt: Date | null;

  /**
   * OpenID Connect `sid`: a random id of this sign-in, shared by the ID tokens it yields; unlike
   * `id`, it reveals nothing about the cookie. Null before sign-in.
   */
  @Index('idx_login_sessions_sid')
  @Column({ name: 'sid', type: 'varchar', length: 64, nullable: true })
  sid: string | null;

  @Index('idx_login_sessions_expires')
  @Column(timestampColumn('expires_at'))
  expiresAt: Date;

  @Column(timestampColumn('created_at'))
  createdAt: Date;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_login_sessions_user' })
  user?: UserEntity;
}
