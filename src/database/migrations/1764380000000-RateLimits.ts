import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { ColumnKit } from '../migration-helpers';

export class RateLimits1764380000000 implements MigrationInterface {
  name = 'RateLimits1764380000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = await ColumnKit.for(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'rate_limits',
        columns: [
          c.string('limit_key', 200, { primary: true }),
          { name: 'hits', type: 'integer', isNullable: false },
          { name: 'window_ends_ms', type: 'bigint', isNullable: false },
        ],
        indices: [new TableIndex({ name: 'idx_rate_limits_window_end', columnNames: ['window_ends_ms'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('rate_limits');
  }
}
