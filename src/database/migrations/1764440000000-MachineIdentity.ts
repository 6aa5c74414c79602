import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { cascadeForeignKey, ColumnKit } from '../migration-helpers';

/** Client ids as widened by ClientRegistration1764420000000 (URLs of metadata documents). */
const CLIENT_ID_LENGTH = 255;

/**
 * private_key_jwt (RFC 7523 §2.2): each client's public keys, by value or by URL, and the `jti` of
 * every client assertion accepted until it expires (single use across instances).
 */
export class MachineIdentity1764440000000 implements MigrationInterface {
  name = 'MachineIdentity1764440000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = await ColumnKit.for(queryRunner);
    await queryRunner.addColumn('oauth_clients', new TableColumn(c.text('jwks', { nullable: true })));
    await queryRunner.addColumn('oauth_clients', new TableColumn(c.string('jwks_uri', 2000, { nullable: true })));
    await queryRunner.createTable(
      new Table({
        name: 'client_assertions',
        columns: [
          c.string('id', 64, { primary: true }),
          c.string('client_id', CLIENT_ID_LENGTH),
          c.timestamp('expires_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_client_assertions_client', columnNames: ['client_id'] }),
          new TableIndex({ name: 'idx_client_assertions_expires', columnNames: ['expires_at'] }),
        ],
        foreignKeys: [cascadeForeignKey('fk_client_assertions_client', 'client_id', 'oauth_clients', 'client_id')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('client_assertions');
    await queryRunner.dropColumn('oauth_clients', 'jwks_uri');
    await queryRunner.dropColumn('oauth_clients', 'jwks');
  }
}
