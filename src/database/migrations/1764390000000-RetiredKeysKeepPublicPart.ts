import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { ColumnKit } from '../migration-helpers';

/** A retired signing key's private part is erased once no token it signed can be valid: nullable. */
export class RetiredKeysKeepPublicPart1764390000000 implements MigrationInterface {
  name = 'RetiredKeysKeepPublicPart1764390000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = await ColumnKit.for(queryRunner);
    await queryRunner.changeColumn(
      'signing_keys',
      'private_key',
      new TableColumn(c.text('private_key', { nullable: true })),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const c = await ColumnKit.for(queryRunner);
    // A key without its private part cannot go back to a NOT NULL column: it is past its use anyway.
    await queryRunner.query('DELETE FROM signing_keys WHERE private_key IS NULL');
    await queryRunner.changeColumn('signing_keys', 'private_key', new TableColumn(c.text('private_key')));
  }
}
