import { randomUUID } from 'node:crypto';
import { toSqlDatetime } from '../src/database/sql-time';
import { createTestApp, TestApp } from './utils/app';
import { createClient } from './utils/fixtures';

async function count(t: TestApp, sql: string, parameters: unknown[]): Promise<number> {
  const rows: Array<{ n: number | string }> = await t.dataSource.query(sql, parameters);
  return Number(rows[0].n);
}

/** The migration that widens client ids (for metadata-document URLs) keeps every row and every foreign key. */
describe('migration ClientRegistration1764420000000', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('keeps every client and its rows when it upgrades a database, with cascading deletes intact', async () => {
    // The database as it was before: 64-character client ids (later migrations undone first).
    while (await isApplied(t, 'ClientRegistration1764420000000')) await t.dataSource.undoLastMigration();
    // Rows written by hand: the services of today write tables this schema does not have yet.
    const user = { id: randomUUID() };
    await t.dataSource.query('INSERT INTO users (id, username, password_hash, created_at) VALUES (?, ?, ?, ?)', [
      user.id,
      'before-upgrade',
      'not-a-real-hash',
      now(),
    ]);
    const clientId = 'an-operator-client';
    await t.dataSource.query(
      'INSERT INTO oauth_clients (client_id, name, secret_hash, redirect_uris, grant_types, scope, ' +
        'token_endpoint_auth_method, is_public, is_pkce_exempt, resources, created_at, updated_at) ' +
        'VALUES (?, ?, NULL, ?, ?, ?, ?, 1, 0, NULL, ?, ?)',
      [clientId, 'Old client', '["https://c1.example/cb"]', '["authorization_code"]', 'profile', 'none', now(), now()],
    );
    await t.dataSource.query(
      'INSERT INTO consents (id, user_id, client_id, scope, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      [randomUUID(), user.id, clientId, 'profile', now(), now()],
    );

    await t.dataSource.runMigrations();
    expect(await count(t, 'SELECT COUNT(*) AS n FROM oauth_clients WHERE client_id = ?', [clientId])).toBe(1);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM consents WHERE client_id = ?', [clientId])).toBe(1);
    // Existing clients were registered by an operator.
    const [row] = await t.dataSource.query('SELECT registration_type FROM oauth_clients WHERE client_id = ?', [
      clientId,
    ]);
    expect(row.registration_type).toBe('operator');

    // A URL-long client id fits now.
    const long = `https://clients.example/${'a'.repeat(170)}.json`;
    await createClient(t, { clientId: long, registrationType: 'metadata_document', isPublic: true });
    expect(await count(t, 'SELECT COUNT(*) AS n FROM oauth_clients WHERE client_id = ?', [long])).toBe(1);

    // The foreign keys came back with their cascade.
    await t.dataSource.query('DELETE FROM oauth_clients WHERE client_id = ?', [clientId]);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM consents WHERE client_id = ?', [clientId])).toBe(0);
  });
});

async function isApplied(t: TestApp, migration: string): Promise<boolean> {
  return (await count(t, 'SELECT COUNT(*) AS n FROM migrations WHERE name = ?', [migration])) > 0;
}

function now(): string {
  return toSqlDatetime(new Date());
}
