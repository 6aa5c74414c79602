import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { cascadeForeignKey, ColumnKit } from '../migration-helpers';

/** Tables whose `client_id` references oauth_clients, with the name of that foreign key. */
const CLIENT_CHILDREN: ReadonlyArray<[string, string]> = [
  ['consents', 'fk_consents_client'],
  ['authorization_codes', 'fk_authorization_codes_client'],
  ['refresh_tokens', 'fk_refresh_tokens_client'],
  ['access_tokens', 'fk_access_tokens_client'],
  ['authorization_requests', 'fk_authorization_requests_client'],
  ['device_authorizations', 'fk_device_authorizations_client'],
];

/**
 * Clients that register themselves (RFC 7591/7592) or are described by a metadata document
 * (draft-ietf-oauth-client-id-metadata-document): client ids long enough for a URL, how a client
 * came to be, its registration access token, its last use, and initial access tokens.
 */
export class ClientRegistration1764420000000 implements MigrationInterface {
  name = 'ClientRegistration1764420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.resizeClientIds(queryRunner, 255);
    const c = await ColumnKit.for(queryRunner);
    for (const column of [
      { ...c.string('registration_type', 20), default: "'operator'" },
      c.string('registration_token_hash', 64, { nullable: true }),
      c.text('client_metadata', { nullable: true }),
      c.timestamp('last_used_at', { nullable: true }),
    ]) {
      await queryRunner.addColumn('oauth_clients', new TableColumn(column));
    }
    await queryRunner.createIndex(
      'oauth_clients',
      new TableIndex({ name: 'idx_oauth_clients_registration', columnNames: ['registration_type', 'last_used_at'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'registration_tokens',
        columns: [
          c.string('token_hash', 64, { primary: true }),
          c.timestamp('expires_at'),
          { name: 'max_uses', type: 'integer', isNullable: false },
          { name: 'uses', type: 'integer', isNullable: false },
          c.timestamp('created_at'),
        ],
        indices: [new TableIndex({ name: 'idx_registration_tokens_expires', columnNames: ['expires_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('registration_tokens');
    await queryRunner.dropIndex('oauth_clients', 'idx_oauth_clients_registration');
    for (const column of ['last_used_at', 'client_metadata', 'registration_token_hash', 'registration_type']) {
      await queryRunner.dropColumn('oauth_clients', column);
    }
    // Only clients whose ids fit the old column survive the way back (foreign keys are off while migrating).
    for (const [table] of [...CLIENT_CHILDREN, ['oauth_clients']]) {
      await queryRunner.query(`DELETE FROM ${table} WHERE LENGTH(client_id) > 64`);
    }
    await this.resizeClientIds(queryRunner, 64);
  }

  /** MySQL refuses to change a column a foreign key uses: drop the keys, resize, put them back. */
  private async resizeClientIds(queryRunner: QueryRunner, length: number): Promise<void> {
    const c = await ColumnKit.for(queryRunner);
    for (const [table, foreignKey] of CLIENT_CHILDREN) await queryRunner.dropForeignKey(table, foreignKey);
    await queryRunner.changeColumn(
      'oauth_clients',
      'client_id',
      new TableColumn(c.string('client_id', length, { primary: true })),
    );
    for (const [table, foreignKey] of CLIENT_CHILDREN) {
      await queryRunner.changeColumn(table, 'client_id', new TableColumn(c.string('client_id', length)));
      await queryRunner.createForeignKey(
        table,
        cascadeForeignKey(foreignKey, 'client_id', 'oauth_clients', 'client_id'),
      );
    }
  }
}
