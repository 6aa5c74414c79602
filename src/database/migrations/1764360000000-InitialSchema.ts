import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { cascadeForeignKey, ColumnKit } from '../migration-helpers';

export class InitialSchema1764360000000 implements MigrationInterface {
  name = 'InitialSchema1764360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = await ColumnKit.for(queryRunner);

    await queryRunner.createTable(
      new Table({
        name: 'oauth_clients',
        columns: [
          c.string('client_id', 64, { primary: true }),
          c.string('name', 200),
          c.string('secret_hash', 64, { nullable: true }),
          c.text('redirect_uris'),
          c.text('grant_types'),
          c.string('scope', 1000),
          c.string('token_endpoint_auth_method', 32),
          c.boolean('is_public'),
          c.boolean('is_pkce_exempt'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          c.string('id', 36, { primary: true }),
          c.string('username', 100),
          c.string('password_hash', 255),
          c.timestamp('created_at'),
        ],
        indices: [new TableIndex({ name: 'uq_users_username', columnNames: ['username'], isUnique: true })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'consents',
        columns: [
          c.string('id', 36, { primary: true }),
          c.string('user_id', 36),
          c.string('client_id', 64),
          c.string('scope', 1000),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_consents_user_client', columnNames: ['user_id', 'client_id'], isUnique: true }),
          new TableIndex({ name: 'idx_consents_client', columnNames: ['client_id'] }),
        ],
        foreignKeys: [
          cascadeForeignKey('fk_consents_user', 'user_id', 'users', 'id'),
          cascadeForeignKey('fk_consents_client', 'client_id', 'oauth_clients', 'client_id'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'authorization_codes',
        columns: [
          c.string('id', 36, { primary: true }),
          c.string('code_hash', 64),
          c.string('client_id', 64),
          c.string('user_id', 36),
          c.string('redirect_uri', 2000, { nullable: true }),
          c.string('scope', 1000),
          c.string('code_challenge', 128, { nullable: true }),
          c.string('code_challenge_method', 10, { nullable: true }),
          c.string('grant_id', 36),
          c.timestamp('expires_at'),
          c.timestamp('consumed_at', { nullable: true }),
          c.timestamp('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_authorization_codes_hash', columnNames: ['code_hash'], isUnique: true }),
          new TableIndex({ name: 'idx_authorization_codes_client', columnNames: ['client_id'] }),
          new TableIndex({ name: 'idx_authorization_codes_user', columnNames: ['user_id'] }),
          new TableIndex({ name: 'idx_authorization_codes_expires', columnNames: ['expires_at'] }),
        ],
        foreignKeys: [
          cascadeForeignKey('fk_authorization_codes_client', 'client_id', 'oauth_clients', 'client_id'),
          cascadeForeignKey('fk_authorization_codes_user', 'user_id', 'users', 'id'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'refresh_tokens',
        columns: [
          c.string('id', 36, { primary: true }),
          c.string('token_hash', 64),
          c.string('grant_id', 36),
          c.string('client_id', 64),
          c.string('user_id', 36, { nullable: true }),
          c.string('scope', 1000),
          c.timestamp('expires_at'),
          c.timestamp('used_at', { nullable: true }),
          c.timestamp('revoked_at', { nullable: true }),
          c.timestamp('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_refresh_tokens_hash', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'idx_refresh_tokens_grant', columnNames: ['grant_id'] }),
          new TableIndex({ name: 'idx_refresh_tokens_client', columnNames: ['client_id'] }),
          new TableIndex({ name: 'idx_refresh_tokens_user', columnNames: ['user_id'] }),
          new TableIndex({ name: 'idx_refresh_tokens_expires', columnNames: ['expires_at'] }),
        ],
        foreignKeys: [
          cascadeForeignKey('fk_refresh_tokens_client', 'client_id', 'oauth_clients', 'client_id'),
          cascadeForeignKey('fk_refresh_tokens_user', 'user_id', 'users', 'id'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'access_tokens',
        columns: [
          c.string('jti', 36, { primary: true }),
          c.string('grant_id', 36, { nullable: true }),
          c.string('client_id', 64),
          c.string('user_id', 36, { nullable: true }),
          c.string('scope', 1000),
          c.timestamp('expires_at'),
          c.timestamp('revoked_at', { nullable: true }),
          c.timestamp('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_access_tokens_grant', columnNames: ['grant_id'] }),
          new TableIndex({ name: 'idx_access_tokens_client', columnNames: ['client_id'] }),
          new TableIndex({ name: 'idx_access_tokens_user', columnNames: ['user_id'] }),
          new TableIndex({ name: 'idx_access_tokens_expires', columnNames: ['expires_at'] }),
        ],
        foreignKeys: [
          cascadeForeignKey('fk_access_tokens_client', 'client_id', 'oauth_clients', 'client_id'),
          cascadeForeignKey('fk_access_tokens_user', 'user_id', 'users', 'id'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'signing_keys',
        columns: [
          c.string('kid', 64, { primary: true }),
          c.string('alg', 16),
          c.text('public_jwk'),
          c.text('private_key'),
          c.timestamp('created_at'),
          c.timestamp('retired_at', { nullable: true }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'notes',
        columns: [
          c.string('id', 36, { primary: true }),
          c.string('user_id', 36),
          c.string('title', 200),
          c.text('body'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        indices: [new TableIndex({ name: 'idx_notes_user_created', columnNames: ['user_id', 'created_at', 'id'] })],
        foreignKeys: [cascadeForeignKey('fk_notes_user', 'user_id', 'users', 'id')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'notes',
      'signing_keys',
      'access_tokens',
      'refresh_tokens',
      'authorization_codes',
      'consents',
      'users',
      'oauth_clients',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
