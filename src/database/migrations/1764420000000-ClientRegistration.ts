import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { cascadeForeignKey, ColumnKit } from '../migration-helpers';

/** The widened client id column (MAX_CLIENT_ID_LENGTH of the client entity when this migration was written). */
const MAX_CLIENT_ID_LENGTH = 255;

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
    await this.resizeClientIds(queryRunner, MAX_CLIENT_ID_LENGTH);
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

  /**
   * Resizes every client_id column, keeping the data. On MySQL a column a foreign key uses cannot
   * change, and TypeORM's changeColumn would drop and re-add it (losing the data): the keys are
   * dropped, the columns MODIFYed in place, and the keys put back. SQLite rebuilds each table with
   * its rows and keys (foreign keys are off while migrating).
   */
  private async resizeClientIds(queryRunner: QueryRunner, length: number): Promise<void> {
    const c = await ColumnKit.for(queryRunner);
    const column = c.string('client_id', length);
    const type = queryRunner.connection.options.type;
    if (type !== 'mysql' && type !== 'mariadb') {
      // Rebuilding oauth_clients with foreign keys on would cascade-delete every child row; TypeORM
      // turns them off around `up` (its `down` runs where it cannot, as for every migration that
      // rebuilds a parent table on SQLite).
      const [pragma] = (await queryRunner.query('PRAGMA foreign_keys')) as Array<{ foreign_keys: number }>;
      if (length === MAX_CLIENT_ID_LENGTH && Number(pragma?.foreign_keys) === 1) {
        throw new Error('ClientRegistration1764420000000 must run with foreign keys off (TypeORM migrations do)');
      }
      for (const table of ['oauth_clients', ...CLIENT_CHILDREN.map(([child]) => child)]) {
        const isPrimary = table === 'oauth_clients';
        await queryRunner.changeColumn(table, 'client_id', new TableColumn({ ...column, isPrimary }));
      }
      return;
    }
    const collation = column.collation ? ` CHARACTER SET ${column.charset} COLLATE ${column.collation}` : '';
    const definition = `varchar(${length})${collation} NOT NULL`;
    for (const [table, foreignKey] of CLIENT_CHILDREN) await queryRunner.dropForeignKey(table, foreignKey);
    for (const table of ['oauth_clients', ...CLIENT_CHILDREN.map(([child]) => child)]) {
      await queryRunner.query(`ALTER TABLE \`${table}\` MODIFY \`client_id\` ${definition}`);
    }
    for (const [table, foreignKey] of CLIENT_CHILDREN) {
      await queryRunner.createForeignKey(
        table,
        cascadeForeignKey(foreignKey, 'client_id', 'oauth_clients', 'client_id'),
      );
    }
  }
}
