import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ClientEntity, MAX_CLIENT_ID_LENGTH } from '../clients/client.entity';
import { timestampColumn } from '../database/columns';
import { UserEntity } from '../users/user.entity';

/** A remembered decision: this user allowed this client these scopes. */
@Entity({ name: 'consents' })
@Index('uq_consents_user_client', ['userId', 'clientId'], { unique: true })
export class ConsentEntity {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Index('idx_consents_client')
  @Column({ name: 'client_id', type: 'varchar', length: MAX_CLIENT_ID_LENGTH })
  clientId: string;

  @Column({ name: 'scope', type: 'varchar', length: 1000 })
  scope: string;

  @Column(timestampColumn('created_at'))
  createdAt: Date;

  @Column(timestampColumn('updated_at'))
  updatedAt: Date;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_consents_user' })
  user?: UserEntity;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_consents_client' })
  client?: ClientEntity;
}
