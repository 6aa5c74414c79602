import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { ColumnKit } from '../migration-helpers';

/** RFC 8707 resources: the registry, the resources a client may use, and those an authorization is for. */
export class Resources1764410000000 implements MigrationInterface {
  name = 'Resources1764410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = await ColumnKit.for(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'resources',
        columns: [
          c.string('identifier', 500, { primary: true }),
          c.string('name', 200),
          c.text('scopes'),
          c.text('introspectors'),
          c.boolean('is_built_in'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
      }),
    );
    // Null: any resource (clients) or the default resource (grants made before resources existed).
    for (const table of ['oauth_clients', 'authorization_requests', 'authorization_codes', 'refresh_tokens']) {
      await queryRunner.addColumn(table, new TableColumn(c.text('resources', { nullable: true })));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['refresh_tokens', 'authorization_codes', 'authorization_requests', 'oauth_clients']) {
      await queryRunner.dropColumn(table, 'resources');
    }
    await queryRunner.dropTable('resources');
  }
}
