import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { ColumnKit } from '../migration-helpers';

/** The audit log: security-relevant events, listed newest first and by type, pruned by age. */
export class AuditEvents1764450000000 implements MigrationInterface {
  name = 'AuditEvents1764450000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = await ColumnKit.for(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          c.string('id', 36, { primary: true }),
          c.timestamp('at'),
          c.string('type', 64),
          c.string('actor', 300, { nullable: true }),
          c.string('subject', 600, { nullable: true }),
          c.string('client_id', 200, { nullable: true }),
          c.string('ip', 64, { nullable: true }),
          c.text('details'),
        ],
        indices: [
          new TableIndex({ name: 'idx_audit_events_at', columnNames: ['at'] }),
          new TableIndex({ name: 'idx_audit_events_type_at', columnNames: ['type', 'at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_events');
  }
}
