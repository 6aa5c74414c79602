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

  @Column(timestampColumn('created_at'))
  createdAt: Date;
}
