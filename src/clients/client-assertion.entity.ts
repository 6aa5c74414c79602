import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { timestampColumn } from '../database/columns';
import { ClientEntity, MAX_CLIENT_ID_LENGTH } from './client.entity';

/**
 * A client assertion already accepted (RFC 7523 §3 item 7: `jti` single use), kept until the
 * assertion expires; after that the assertion itself is refused, so the row may go.
 */
@Entity({ name: 'client_assertions' })
export class ClientAssertionEntity {
  /** Hex SHA-256 of the client id and the `jti`: fixed length, and byte-exact on every database. */
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 64 })
  id: string;

  @Index('idx_client_assertions_client')
  @Column({ name: 'client_id', type: 'varchar', length: MAX_CLIENT_ID_LENGTH })
  clientId: string;

  @Index('idx_client_assertions_expires')
  @Column(timestampColumn('expires_at'))
  expiresAt: Date;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_client_assertions_client' })
  client?: ClientEntity;
}
