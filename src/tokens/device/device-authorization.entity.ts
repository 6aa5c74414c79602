import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ClientEntity, MAX_CLIENT_ID_LENGTH } from '../../clients/client.entity';
import { timestampColumn } from '../../database/columns';
import { UserEntity } from '../../users/user.entity';

/** Where a device authorization stands: waiting for the user, or answered by them. */
export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied';

/**
 * A device authorization request (RFC 8628 §3.1–3.2): the device code and the user code, both
 * stored only as SHA-256 hashes, the user's answer, and the polling state shared by every instance.
 */
@Entity({ name: 'device_authorizations' })
export class DeviceAuthorizationEntity {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 36 })
  id: string;

  @Index('uq_device_authorizations_device_code', { unique: true })
  @Column({ name: 'device_code_hash', type: 'varchar', length: 64 })
  deviceCodeHash: string;

  /** Hash of the normalised user code (8 letters, no dash): unique, so a user code names one request. */
  @Index('uq_device_authorizations_user_code', { unique: true })
  @Column({ name: 'user_code_hash', type: 'varchar', length: 64 })
  userCodeHash: string;

  @Index('idx_device_authorizations_client')
  @Column({ name: 'client_id', type: 'varchar', length: MAX_CLIENT_ID_LENGTH })
  clientId: string;

  @Column({ name: 'scope', type: 'varchar', length: 1000 })
  scope: string;

  /** RFC 8707: the resources the device asked for; null: the default resource. */
  @Column({ name: 'resources', type: 'simple-json', nullable: true })
  resources: string[] | null;

  @Column({ name: 'status', type: 'varchar', length: 16 })
  status: DeviceAuthorizationStatus;

  /** The user who answered; null while pending. */
  @Index('idx_device_authorizations_user')
  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  /** The token family that redeeming this device code starts. */
  @Column({ name: 'grant_id', type: 'varchar', length: 36 })
  grantId: string;

  /** RFC 8628 §3.5: the polling interval, grown by 5 s at every slow_down. */
  @Column({ name: 'interval_seconds', type: 'integer' })
  intervalSeconds: number;

  @Column(timestampColumn('last_polled_at', { nullable: true }))
  lastPolledAt: Date | null;

  @Index('idx_device_authorizations_expires')
  @Column(timestampColumn('expires_at'))
  expiresAt: Date;

  @Column(timestampColumn('decided_at', { nullable: true }))
  decidedAt: Date | null;

  /** Set once, when the device code is exchanged for tokens. */
  @Column(timestampColumn('consumed_at', { nullable: true }))
  consumedAt: Date | null;

  @Column(timestampColumn('created_at'))
  createdAt: Date;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_device_authorizations_client' })
  client?: ClientEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_device_authorizations_user' })
  user?: UserEntity;
}
