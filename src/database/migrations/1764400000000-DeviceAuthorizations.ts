import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { cascadeForeignKey, ColumnKit } from '../migration-helpers';

/**
 * RFC 8628 device authorizations, and the link from a pending authorization request (the consent
 * page) to the device authorization it answers.
 */
export class DeviceAuthorizations1764400000000 implements MigrationInterface {
  name = 'DeviceAuthorizations1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = await ColumnKit.for(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'device_authorizations',
        columns: [
          c.string('id', 36, { primary: true }),
          c.string('device_code_hash', 64),
          c.string('user_code_hash', 64),
          c.string('client_id', 64),
          c.string('scope', 1000),
          c.text('resources', { nullable: true }),
          c.string('status', 16),
          c.string('user_id', 36, { nullable: true }),
          c.string('grant_id', 36),
          { name: 'interval_seconds', type: 'integer', isNullable: false },
          c.timestamp('last_polled_at', { nullable: true }),
          c.timestamp('expires_at'),
          c.timestamp('decided_at', { nullable: true }),
          c.timestamp('consumed_at', { nullable: true }),
          c.timestamp('created_at'),
        ],
        indices: [
          new TableIndex({
            name: 'uq_device_authorizations_device_code',
            columnNames: ['device_code_hash'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'uq_device_authorizations_user_code',
            columnNames: ['user_code_hash'],
            isUnique: true,
          }),
          new TableIndex({ name: 'idx_device_authorizations_client', columnNames: ['client_id'] }),
          new TableIndex({ name: 'idx_device_authorizations_user', columnNames: ['user_id'] }),
          new TableIndex({ name: 'idx_device_authorizations_expires', columnNames: ['expires_at'] }),
        ],
        foreignKeys: [
          cascadeForeignKey('fk_device_authorizations_client', 'client_id', 'oauth_clients', 'client_id'),
          cascadeForeignKey('fk_device_authorizations_user', 'user_id', 'users', 'id'),
        ],
      }),
    );
    await queryRunner.addColumn(
      'authorization_requests',
      new TableColumn(c.string('device_authorization_id', 36, { nullable: true })),
    );
    await queryRunner.createIndex(
      'authorization_requests',
      new TableIndex({ name: 'idx_authorization_requests_device', columnNames: ['device_authorization_id'] }),
    );
    await queryRunner.createForeignKey(
      'authorization_requests',
      cascadeForeignKey('fk_authorization_requests_device', 'device_authorization_id', 'device_authorizations', 'id'),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropForeignKey('authorization_requests', 'fk_authorization_requests_device');
    await queryRunner.dropIndex('authorization_requests', 'idx_authorization_requests_device');
    await queryRunner.dropColumn('authorization_requests', 'device_authorization_id');
    await queryRunner.dropTable('device_authorizations');
  }
}
