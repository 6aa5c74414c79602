import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { ColumnKit } from '../migration-helpers';

/**
 * OpenID Connect Core 1.0: the user's claims (§5.1), the post-logout redirect URIs a client registers
 * (RP-Initiated Logout §3.1), the session id (`sid`) of a sign-in, and what an ID token needs from the
 * authentication request on its way through code and refresh token (`nonce`, `auth_time`, `sid`).
 */
export class OpenIdConnect1764430000000 implements MigrationInterface {
  name = 'OpenIdConnect1764430000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = await ColumnKit.for(queryRunner);
    await queryRunner.addColumns('users', [
      new TableColumn(c.string('email', 254, { nullable: true })),
      new TableColumn(c.string('name', 200, { nullable: true })),
    ]);
    await queryRunner.addColumn(
      'oauth_clients',
      new TableColumn(c.text('post_logout_redirect_uris', { nullable: true })),
    );
    await queryRunner.addColumn('login_sessions', new TableColumn(c.string('sid', 64, { nullable: true })));
    await queryRunner.createIndex(
      'login_sessions',
      new TableIndex({ name: 'idx_login_sessions_sid', columnNames: ['sid'] }),
    );
    await queryRunner.addColumns('authorization_requests', [
      new TableColumn(c.string('nonce', 512, { nullable: true })),
      new TableColumn({ name: 'max_age', type: 'integer', isNullable: true }),
      new TableColumn(c.string('login_hint', 200, { nullable: true })),
    ]);
    await queryRunner.addColumns('authorization_codes', [
      new TableColumn(c.string('nonce', 512, { nullable: true })),
      new TableColumn(c.timestamp('auth_time', { nullable: true })),
      new TableColumn(c.string('sid', 64, { nullable: true })),
    ]);
    await queryRunner.addColumns('refresh_tokens', [
      new TableColumn(c.timestamp('auth_time', { nullable: true })),
      new TableColumn(c.string('sid', 64, { nullable: true })),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('refresh_tokens', ['sid', 'auth_time']);
    await queryRunner.dropColumns('authorization_codes', ['sid', 'auth_time', 'nonce']);
    await queryRunner.dropColumns('authorization_requests', ['login_hint', 'max_age', 'nonce']);
    await queryRunner.dropIndex('login_sessions', 'idx_login_sessions_sid');
    await queryRunner.dropColumn('login_sessions', 'sid');
    await queryRunner.dropColumn('oauth_clients', 'post_logout_redirect_uris');
    await queryRunner.dropColumns('users', ['name', 'email']);
  }
}
