import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { cascadeForeignKey, ColumnKit } from '../migration-helpers';

/** Browser sessions and pending authorization requests, kept in the database so instances stay stateless. */
export class LoginSessions1764370000000 implements MigrationInterface {
  name = 'LoginSessions1764370000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = await ColumnKit.for(queryRunner);

    await queryRunner.createTable(
      new Table({
        name: 'login_sessions',
        columns: [
          c.string('id', 64, { primary: true }),
          c.string('user_id', 36, { nullable: true }),
          c.string('csrf_token', 64),
          c.timestamp('authenticated_at', { nullable: true }),
          c.timestamp('expires_at'),
          c.timestamp('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_login_sessions_user', columnNames: ['user_id'] }),
          new TableIndex({ name: 'idx_login_sessions_expires', columnNames: ['expires_at'] }),
        ],
        foreignKeys: [cascadeForeignKey('fk_login_sessions_user', 'user_id', 'users', 'id')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'authorization_requests',
        columns: [
          c.string('interaction_hash', 64, { primary: true }),
          c.string('session_id', 64),
          c.string('client_id', 64),
          c.string('response_type', 16),
          c.string('redirect_uri', 2000),
          c.string('requested_redirect_uri', 2000, { nullable: true }),
          c.string('scope', 1000),
          { ...c.text('state'), isNullable: true },
          c.string('code_challenge', 128, { nullable: true }),
          c.string('code_challenge_method', 10, { nullable: true }),
          c.string('prompt', 50, { nullable: true }),
          c.timestamp('decided_at', { nullable: true }),
          c.timestamp('expires_at'),
          c.timestamp('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_authorization_requests_session', columnNames: ['session_id'] }),
          new TableIndex({ name: 'idx_authorization_requests_client', columnNames: ['client_id'] }),
          new TableIndex({ name: 'idx_authorization_requests_expires', columnNames: ['expires_at'] }),
        ],
        foreignKeys: [
          cascadeForeignKey('fk_authorization_requests_session', 'session_id', 'login_sessions', 'id'),
          cascadeForeignKey('fk_authorization_requests_client', 'client_id', 'oauth_clients', 'client_id'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('authorization_requests');
    await queryRunner.dropTable('login_sessions');
  }
}
