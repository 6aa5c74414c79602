import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { runCli } from '../src/cli';
import { sha256Hex } from '../src/common/crypto';
import { createTestDatabase, isMysqlRun, TestDatabase } from './utils/database';
import { spawnTollgate, SPAWNING_TEST_TIMEOUT_MS } from './utils/process';

/** Runs one command in-process, like `node dist/cli.js`, capturing stdout and stderr. */
async function cli(...argv: string[]): Promise<{ code: number; json: unknown; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await runCli(argv);
    const text = out.join('');
    return {
      code,
      json: code === 0 && /^[[{]/.test(text) ? JSON.parse(text) : undefined,
      stdout: text,
      stderr: err.join(''),
    };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

async function openDatabase(url: string): Promise<DataSource> {
  const options = url.startsWith('sqlite:')
    ? { type: 'better-sqlite3' as const, database: url.slice('sqlite:'.length) }
    : { type: 'mysql' as const, url };
  return new DataSource(options).initialize();
}

describe('admin CLI', () => {
  let database: TestDatabase;
  let directory: string;
  let url: string;
  const savedUrl = process.env.DATABASE_URL;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
    if (isMysqlRun) {
      database = await createTestDatabase();
      url = database.url;
    } else {
      url = `sqlite:${join(directory, 'cli.sqlite')}`;
    }
    process.env.DATABASE_URL = url;
  });

  afterAll(async () => {
    process.env.DATABASE_URL = savedUrl;
    await database?.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('creates a confidential client, prints its secret once and stores only a hash', async () => {
    const created = await cli(
      'clients:create',
      '--name',
      'Billing',
      '--redirect-uri',
      'https://billing.example/cb',
      '--redirect-uri',
      'http://127.0.0.1/cb',
      '--scope',
      'profile notes:read',
    );
    expect(created.code).toBe(0);
    const client = created.json as Record<string, unknown>;
    expect(client).toMatchObject({
      name: 'Billing',
      redirect_uris: ['https://billing.example/cb', 'http://127.0.0.1/cb'],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'profile notes:read',
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(client.client_id).toMatch(/^[A-Za-z0-9._~-]{16,}$/);
    // At least 256 bits: 43 base64url characters.
    expect(client.client_secret).toMatch(/^[A-Za-z0-9._~-]{43,}$/);

    const dataSource = await openDatabase(url);
    try {
      const rows: Array<{ secret_hash: string }> = await dataSource.query(
        'SELECT secret_hash FROM oauth_clients WHERE client_id = ?',
        [client.client_id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].secret_hash).toBe(sha256Hex(client.client_secret as string));
      const dump = JSON.stringify(await dataSource.query('SELECT * FROM oauth_clients'));
      expect(dump).not.toContain(client.client_secret as string);
    } finally {
      await dataSource.destroy();
    }

    const shown = await cli('clients:show', client.client_id as string);
    expect(shown.code).toBe(0);
    expect(shown.json).toMatchObject({ client_id: client.client_id, name: 'Billing' });
    expect(shown.json).not.toHaveProperty('client_secret');
    expect(JSON.stringify(shown.json)).not.toContain('secret_hash');
    // clients:create answers what clients:show does, plus the secret this once.
    const { client_secret: secret, ...createdView } = client;
    expect(secret).toEqual(expect.any(String));
    expect(createdView).toEqual(shown.json);
  });

  it('creates a public client with no secret and auth method none', async () => {
    const created = await cli(
      'clients:create',
      '--name',
      'Mobile',
      '--public',
      '--redirect-uri',
      'http://127.0.0.1/cb',
    );
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({ token_endpoint_auth_method: 'none' });
    expect(created.json).not.toHaveProperty('client_secret');
  });

  it('creates private_key_jwt clients with keys by value or by URL, no secret, and shows the keys', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1' };
    const jwks = JSON.stringify({ keys: [jwk] });
    const flags = ['--name', 'Worker', '--grant-types', 'client_credentials', '--auth-method', 'private_key_jwt'];
    const byValue = await cli('clients:create', ...flags, '--jwks', jwks);
    expect(byValue.code).toBe(0);
    expect(byValue.json).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
    expect(byValue.json).not.toHaveProperty('client_secret');
    const shown = await cli('clients:show', (byValue.json as { client_id: string }).client_id);
    expect(shown.json).toMatchObject({ jwks: { keys: [jwk] } });

    const byUrl = await cli('clients:create', ...flags, '--jwks-uri', 'https://worker.example/jwks.json');
    expect(byUrl.json).toMatchObject({ jwks_uri: 'https://worker.example/jwks.json' });

    // Public keys only: a private key is refused, and so is a client with no keys.
    const leaked = JSON.stringify({ keys: [privateKey.export({ format: 'jwk' })] });
    const refused = await cli('clients:create', ...flags, '--jwks', leaked);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/private member 'd'/);
    expect((await cli('clients:create', ...flags)).code).not.toBe(0);
  });

  it('lists, rotates and deletes clients', async () => {
    const { json } = await cli('clients:create', '--name', 'Reports', '--grant-types', 'client_credentials');
    const client = json as { client_id: string; client_secret: string };

    const listed = await cli('clients:list');
    expect(listed.code).toBe(0);
    expect((listed.json as Array<{ client_id: string }>).map((c) => c.client_id)).toContain(client.client_id);

    const rotated = await cli('clients:rotate-secret', client.client_id);
    expect(rotated.code).toBe(0);
    const secret = (rotated.json as { client_secret: string }).client_secret;
    expect(secret).toMatch(/^[A-Za-z0-9._~-]{43,}$/);
    expect(secret).not.toBe(client.client_secret);

    expect((await cli('clients:delete', client.client_id)).code).toBe(0);
    const gone = await cli('clients:show', client.client_id);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe(`clients:show: unknown client '${client.client_id}'\n`);
  });

  it.each([
    [['clients:create', '--redirect-uri', 'https://a.example/cb'], /--name is required/],
    [['clients:create', '--name', 'x', '--redirect-uri', 'http://a.example/cb'], /https/],
    [['clients:create', '--name', 'x', '--redirect-uri', 'https://a.example/cb#frag'], /fragment/],
    [['clients:create', '--name', 'x', '--redirect-uri', 'javascript:alert(1)'], /scheme/],
    [['clients:create', '--name', 'x', '--grant-types', 'magic'], /grant_types/],
    [['clients:create', '--name', 'x', '--grant-types', 'client_credentials', '--scope', 'superuser'], /unknown scope/],
    [['clients:create', '--name', 'x', '--public', '--grant-types', 'client_credentials'], /public client/],
    [['clients:create', '--name', 'x'], /redirect URI/],
    [['clients:create', '--name', 'x', '--bogus'], /Unknown option/],
    [['clients:rotate-secret'], /argument/],
    [['nope:nope'], /unknown command/],
    [[], /^usage: tollgate/],
  ])('refuses %j with a message on stderr and exit 1', async (argv, message) => {
    const result = await cli(...argv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('prints usage on stdout, exit 0, when asked for help', async () => {
    const result = await cli('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: tollgate/);
    expect(result.stderr).toBe('');
  });

  it('registers OpenID Connect users and clients: --email, --name, --scope openid, --post-logout-redirect-uri', async () => {
    const user = await cli(
      'users:create',
      '--username',
      'oidc-user',
      '--password',
      'correct horse battery',
      '--email',
      'oidc@example.com',
      '--name',
      'Oidc User',
    );
    expect(user.json).toEqual({
      id: expect.any(String),
      username: 'oidc-user',
      email: 'oidc@example.com',
      created_at: expect.any(String),
      name: 'Oidc User',
    });
    const badEmail = await cli(
      'users:create',
      '--username',
      'x-user',
      '--password',
      'correct horse battery',
      '--email',
      'nope',
    );
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toContain('email');

    const created = await cli(
      'clients:create',
      '--name',
      'Web app',
      '--redirect-uri',
      'https://app.example/cb',
      '--scope',
      'openid profile email',
      '--post-logout-redirect-uri',
      'https://app.example/bye',
    );
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({
      scope: 'openid profile email',
      post_logout_redirect_uris: ['https://app.example/bye'],
    });
    const shown = await cli('clients:show', (created.json as { client_id: string }).client_id);
    expect(shown.json).toMatchObject({ post_logout_redirect_uris: ['https://app.example/bye'] });
    const bad = await cli(
      'clients:create',
      '--name',
      'Bad',
      '--redirect-uri',
      'https://app.example/cb',
      '--post-logout-redirect-uri',
      'http://app.example/bye',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('post_logout_redirect_uri');
    // Without --scope, a client gets the scopes of the resources, not the server's own openid and email.
    const plain = await cli('clients:create', '--name', 'Plain', '--redirect-uri', 'https://app.example/cb');
    expect((plain.json as { scope: string }).scope).toBe('profile notes:read notes:write');
    await cli('users:delete', 'oidc-user');
  });

  it('creates and deletes users, hashing passwords with argon2id', async () => {
    const created = await cli('users:create', '--username', 'alice', '--password', 'correct horse battery');
    expect(created.code).toBe(0);
    const user = created.json as { id: string; username: string };
    expect(user).toEqual({ id: expect.any(String), username: 'alice', created_at: expect.any(String) });

    const dataSource = await openDatabase(url);
    try {
      const rows: Array<{ password_hash: string }> = await dataSource.query(
        'SELECT password_hash FROM users WHERE id = ?',
        [user.id],
      );
      expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    } finally {
      await dataSource.destroy();
    }

    expect((await cli('users:create', '--username', 'alice', '--password', 'another password')).code).toBe(1);
    expect((await cli('users:delete', 'alice')).json).toEqual({ username: 'alice', deleted: true });
    const unknownUser = await cli('users:delete', 'alice');
    expect(unknownUser.code).toBe(1);
    // Reads like "unknown client 'x'".
    expect(unknownUser.stderr).toBe("users:delete: unknown user 'alice'\n");
  });

  it('registers, lists, shows and deletes resources, and restricts a client to some (RFC 8707)', async () => {
    const created = await cli(
      'resources:create',
      '--identifier',
      'https://reports.example/api',
      '--name',
      'Reports',
      '--scope',
      'reports:read=Read your reports',
      '--scope',
      'notes:read=Read the notes behind them',
    );
    expect(created.code).toBe(0);
    expect(created.json).toEqual({
      identifier: 'https://reports.example/api',
      name: 'Reports',
      scopes: [
        { name: 'reports:read', description: 'Read your reports' },
        { name: 'notes:read', description: 'Read the notes behind them' },
      ],
      introspectors: [],
      built_in: false,
    });
    const listed = (await cli('resources:list')).json as Array<{ identifier: string; built_in: boolean }>;
    expect(listed.map((resource) => [resource.identifier.replace(/^.*\/\/[^/]+/, ''), resource.built_in])).toEqual([
      ['/api', true],
      ['/mcp', true],
      ['/admin', true],
      ['/oauth/userinfo', true],
      ['/api', false],
    ]);
    const client = (
      await cli(
        'clients:create',
        '--name',
        'Reports app',
        '--grant-types',
        'client_credentials',
        '--scope',
        'reports:read',
        '--resource',
        'https://reports.example/api',
      )
    ).json as { client_id: string; resources: string[] };
    expect(client.resources).toEqual(['https://reports.example/api']);
    const introspectors = await cli(
      'resources:set-introspectors',
      'https://reports.example/api',
      '--introspector',
      client.client_id,
    );
    expect(introspectors.json).toMatchObject({ introspectors: [client.client_id] });
    expect((await cli('resources:show', 'https://reports.example/api')).json).toMatchObject({ name: 'Reports' });

    for (const [argv, message] of [
      [['resources:create', '--identifier', '/relative', '--name', 'X', '--scope', 'x=X'], /not an absolute URI/],
      [['resources:create', '--identifier', 'https://r.example/#f', '--name', 'X', '--scope', 'x=X'], /fragment/],
      [
        ['resources:create', '--identifier', 'https://r.example/', '--name', 'X', '--scope', 'no description'],
        /name=Description/,
      ],
      [
        ['resources:create', '--identifier', 'https://reports.example/api', '--name', 'Again', '--scope', 'x=X'],
        /already exists/,
      ],
      [
        [
          'clients:create',
          '--name',
          'Y',
          '--grant-types',
          'client_credentials',
          '--resource',
          'https://nowhere.example/',
        ],
        /unknown resource/,
      ],
    ] as const) {
      const failed = await cli(...argv);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(message);
    }
    const builtIn = listed.find((resource) => resource.built_in) as { identifier: string };
    expect((await cli('resources:delete', builtIn.identifier)).stderr).toMatch(/built in/);
    expect((await cli('resources:delete', 'https://reports.example/api')).json).toEqual({
      identifier: 'https://reports.example/api',
      deleted: true,
    });
    expect((await cli('resources:show', 'https://reports.example/api')).stderr).toMatch(/unknown resource/);
  });

  it('rotates the signing key', async () => {
    const first = await cli('keys:rotate');
    const second = await cli('keys:rotate');
    expect(first.json).toEqual({ kid: expect.any(String) });
    expect((second.json as { kid: string }).kid).not.toBe((first.json as { kid: string }).kid);
  });

  it('registers an admin-API client, and lists audit events newest first by type and time', async () => {
    const admin = await cli(
      'clients:create',
      '--name',
      'Ops bot',
      '--grant-types',
      'client_credentials',
      '--scope',
      'admin',
    );
    expect(admin.code).toBe(0);
    expect(admin.json).toMatchObject({ scope: 'admin', grant_types: ['client_credentials'] });
    const created = (await cli('audit:list', '--type', 'client.created', '--limit', '1')).json as Array<
      Record<string, unknown>
    >;
    expect(created).toEqual([
      expect.objectContaining({
        type: 'client.created',
        actor: 'cli',
        client_id: (admin.json as { client_id: string }).client_id,
      }),
    ]);
    const all = (await cli('audit:list')).json as Array<{ type: string; at: string }>;
    expect(all.map((event) => event.type)).toEqual(expect.arrayContaining(['key.rotated', 'user.created']));
    const times = all.map((event) => Date.parse(event.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect((await cli('audit:list', '--since', '2999-01-01T00:00:00Z')).json).toEqual([]);
    for (const bad of [
      ['--type', 'client.exploded'],
      ['--since', 'yesterday'],
      ['--limit', '0'],
    ]) {
      const res = await cli('audit:list', ...bad);
      expect({ bad, code: res.code }).toEqual({ bad, code: 1 });
      expect(res.stderr).toMatch(/^audit:list: --/);
    }
  });

  it('cleans up expired rows on demand', async () => {
    const result = await cli('maintenance:cleanup');
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({
      deleted: {
        access_tokens: expect.any(Number),
        refresh_tokens: expect.any(Number),
        device_authorizations: expect.any(Number),
        login_sessions: expect.any(Number),
      },
      is_partial: false,
      // PRODUCT.md still names the camelCase field: kept alongside until the contract changes.
      isPartial: false,
    });
  });

  describe('read-only commands on a database that is not there', () => {
    /** Runs one command in-process against another DATABASE_URL. */
    async function cliOn(databaseUrl: string, ...argv: string[]) {
      process.env.DATABASE_URL = databaseUrl;
      try {
        return await cli(...argv);
      } finally {
        process.env.DATABASE_URL = url;
      }
    }

    it.each(['clients:list', 'resources:list'])(
      '%s refuses a missing SQLite file and creates nothing',
      async (command) => {
        const file = join(directory, 'typo.sqlite');
        const result = await cliOn(`sqlite:${file}`, command);
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(new RegExp(`^${command}: no database at .*typo\\.sqlite: check DATABASE_URL`));
        expect(existsSync(file)).toBe(false);
      },
    );

    it('refuses a database without the schema, and leaves it so', async () => {
      const file = join(directory, 'empty.sqlite');
      await (await openDatabase(`sqlite:${file}`)).destroy();
      const result = await cliOn(`sqlite:${file}`, 'clients:show', 'some-client');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^clients:show: the database at .*empty\.sqlite has no Tollgate schema/);
      const dataSource = await openDatabase(`sqlite:${file}`);
      try {
        expect(await dataSource.query("SELECT name FROM sqlite_master WHERE type = 'table'")).toEqual([]);
      } finally {
        await dataSource.destroy();
      }
    });

    it('names an unreachable MySQL server and its cause', async () => {
      const result = await cliOn('mysql://root@127.0.0.1:1/tollgate', 'clients:list');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^clients:list: cannot open the database at 127\.0\.0\.1:1\/tollgate: .*ECONNREFUSED/,
      );
    });

    (isMysqlRun ? it : it.skip)('refuses a misspelt MySQL database name instead of creating it', async () => {
      const typo = new URL(url);
      typo.pathname = `${typo.pathname}_typo`;
      const name = typo.pathname.slice(1);
      const result = await cliOn(typo.toString(), 'clients:list');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^clients:list: no database at [^ ]+/${name}: check DATABASE_URL`));
      const dataSource = await openDatabase(url);
      try {
        const rows: unknown[] = await dataSource.query(
          'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
          [name],
        );
        expect(rows).toEqual([]);
      } finally {
        await dataSource.destroy();
      }
    });
  });

  it(
    'runs as its own process: JSON on stdout, exits promptly',
    async () => {
      const result = await spawnTollgate('cli', { args: ['clients:list'], env: { DATABASE_URL: url } }).exited();
      expect(result.code).toBe(0);
      expect(Array.isArray(JSON.parse(result.stdout))).toBe(true);

      const failed = await spawnTollgate('cli', {
        args: ['clients:show', 'no-such-client'],
        env: { DATABASE_URL: url },
      }).exited();
      expect(failed.code).toBe(1);
      expect(failed.stdout).toBe('');
      expect(failed.stderr).toMatch(/unknown client 'no-such-client'/);
    },
    SPAWNING_TEST_TIMEOUT_MS,
  );

  describe('entry points', () => {
    const root = join(__dirname, '..');

    it('lets npm show install progress and gives the CLI a bin of its own', () => {
      // A project-wide `loglevel=silent` would also hide `npm install` for minutes; the JSON-only
      // entry points are `npx tollgate` and `npm run -s cli` instead.
      expect(existsSync(join(root, '.npmrc')) ? readFileSync(join(root, '.npmrc'), 'utf8') : '').not.toMatch(
        /loglevel\s*=\s*silent/,
      );
      const { bin } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
      expect(readFileSync(join(root, bin.tollgate), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    });

    // The bin runs the build in dist/, which only the MySQL suite builds first.
    (isMysqlRun ? it.each : it.skip.each)(['npx --offline tollgate clients:list', 'npm run -s cli -- clients:list'])(
      '`%s` prints JSON and nothing else',
      async (commandLine) => {
        const [command, ...args] = commandLine.split(' ');
        const result = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
          const child = spawn(command, args, {
            cwd: root,
            env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: url },
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let stdout = '';
          child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
          child.on('error', reject);
          child.on('close', (code) => resolve({ code, stdout }));
        });
        expect(result.code).toBe(0);
        expect(Array.isArray(JSON.parse(result.stdout))).toBe(true);
      },
      SPAWNING_TEST_TIMEOUT_MS,
    );
  });
});
