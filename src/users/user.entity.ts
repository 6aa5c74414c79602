import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { timestampColumn } from '../database/columns';

/** A resource owner. */
@Entity({ name: 'users' })
export class UserEntity {
  /** The `sub` of the user's tokens. */
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 36 })
  id: string;

  @Index('uq_users_username', { unique: true })
  @Column({ name: 'username', type: 'varchar', length: 100 })
  username: string;

  /** argon2id encoded hash. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  /** OpenID Connect Core §5.1 `email`; optional. */
  @Column({ name: 'email', type: 'varchar', length: 254, nullable: true })
  email: string | null;

  /** OpenID Connect Core §5.1 `name`: the full name to show; optional. */
  @Column({ name: 'name', type: 'varchar', length: 200, nullable: true })
  name: string | null;

  @Column(timestampColumn('created_at'))
  createdAt: Date;
}
