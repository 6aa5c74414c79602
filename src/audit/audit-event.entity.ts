import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { timestampColumn } from '../database/columns';

/**
 * One security-relevant event (audit-events.ts lists the types). No foreign keys: the record of a
 * client or user outlives them. Never holds a secret, password, token or code.
 */
@Entity({ name: 'audit_events' })
@Index('idx_audit_events_type_at', ['type', 'at'])
export class AuditEventEntity {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 36 })
  id: string;

  @Index('idx_audit_events_at')
  @Column(timestampColumn('at'))
  at: Date;

  @Column({ name: 'type', type: 'varchar', length: 64 })
  type: string;

  /** Who did it: `user:<id>`, `client:<id>`, `cli`, or null when nobody is known (a failed sign-in). */
  @Column({ name: 'actor', type: 'varchar', length: 300, nullable: true })
  actor: string | null;

  /** What it was done to: `user:<id>`, `client:<id>`, `key:<kid>`, `grant:<id>`, `username:<name>`, … */
  @Column({ name: 'subject', type: 'varchar', length: 600, nullable: true })
  subject: string | null;

  @Column({ name: 'client_id', type: 'varchar', length: 200, nullable: true })
  clientId: string | null;

  /** The remote address of the request, when the event came from one. */
  @Column({ name: 'ip', type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ name: 'details', type: 'simple-json' })
  details: Record<string, unknown>;
}
