import { parseArgs, ParseArgsConfig } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { AUDIT_EVENT_TYPES, AuditEventType, isAuditEventType } from '../audit/audit-events';
import { AuditService, MAX_AUDIT_PAGE_SIZE } from '../audit/audit.service';
import { ClientsService, toClientView } from '../clients/clients.service';
import { MaintenanceService } from '../maintenance/maintenance.service';
import { RegistrationTokensService } from '../registration/registration-tokens.service';
import { ResourcesService, toResourceView } from '../resources/resources.service';
import { KeysService } from '../tokens/keys/keys.service';
import { toUserView, UsersService } from '../users/users.service';

/** A CLI failure with a message meant for the operator (stderr, exit 1). */
export class CliError extends Error {}

type Command = (app: INestApplicationContext, args: string[]) => Promise<unknown>;

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>, positionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: positionals > 0, strict: true });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.positionals.length !== positionals) {
    throw new CliError(`expected ${positionals} argument(s), got ${parsed.positionals.length}`);
  }
  return parsed;
}

function required(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new CliError(`${flag} is required`);
  return value;
}

const createClient: Command = async (app, args) => {
  const { values } = parse(args, {
    name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'grant-types': { type: 'string' },
    scope: { type: 'string' },
    public: { type: 'boolean' },
    'auth-method': { type: 'string' },
    'pkce-exempt': { type: 'boolean' },
    resource: { type: 'string', multiple: true },
    'post-logout-redirect-uri': { type: 'string', multiple: true },
    jwks: { type: 'string' },
    'jwks-uri': { type: 'string' },
  });
  const grantTypes =
    typeof values['grant-types'] === 'string'
      ? values['grant-types'].split(',').map((grant: string) => grant.trim())
      : undefined;
  return app.get(ClientsService).createForOperator({
    name: required(values.name, '--name'),
    redirectUris: values['redirect-uri'] as string[] | undefined,
    grantTypes: grantTypes?.filter((grant: string) => grant !== ''),
    scope: values.scope as string | undefined,
    isPublic: values.public === true,
    tokenEndpointAuthMethod: values['auth-method'] as string | undefined,
    isPkceExempt: values['pkce-exempt'] === true,
    resources: values.resource as string[] | undefined,
    postLogoutRedirectUris: values['post-logout-redirect-uri'] as string[] | undefined,
    jwks: values.jwks as string | undefined,
    jwksUri: values['jwks-uri'] as string | undefined,
  });
};

const listClients: Command = async (app, args) => {
  parse(args, {});
  return (await app.get(ClientsService).list()).map(toClientView);
};

const showClient: Command = async (app, args) => {
  const { positionals } = parse(args, {}, 1);
  return toClientView(await app.get(ClientsService).getById(positionals[0]));
};

const rotateClientSecret: Command = async (app, args) => {
  const { positionals } = parse(args, {}, 1);
  return { client_id: positionals[0], client_secret: await app.get(ClientsService).rotateSecret(positionals[0]) };
};

const deleteClient: Command = async (app, args) => {
  const { positionals } = parse(args, {}, 1);
  await app.get(ClientsService).delete(positionals[0]);
  return { client_id: positionals[0], deleted: true };
};

/** A whole number option, or undefined when absent. */
function integerOption(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw new CliError(`${flag} must be a whole number`);
  return Number(value);
}

const createRegistrationToken: Command = async (app, args) => {
  const { values } = parse(args, { 'expires-in': { type: 'string' }, 'max-uses': { type: 'string' } });
  return app.get(RegistrationTokensService).create({
    expiresInSeconds: integerOption(values['expires-in'], '--expires-in'),
    maxUses: integerOption(values['max-uses'], '--max-uses'),
  });
};

const createUser: Command = async (app, args) => {
  const { values } = parse(args, {
    username: { type: 'string' },
    password: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
  });
  const user = await app
    .get(UsersService)
    .create(required(values.username, '--username'), required(values.password, '--password'), {
      email: values.email as string | undefined,
      name: values.name as string | undefined,
    });
  return toUserView(user);
};

const deleteUser: Command = async (app, args) => {
  const { positionals } = parse(args, {}, 1);
  await app.get(UsersService).delete(positionals[0]);
  return { username: positionals[0], deleted: true };
};

/** `--scope "name=Description"`: a scope of the resource and the words the consent page shows. */
function parseResourceScope(value: string): { name: string; description: string } {
  const equals = value.indexOf('=');
  if (equals < 1) throw new CliError(`--scope must look like "name=Description" (got "${value}")`);
  return { name: value.slice(0, equals).trim(), description: value.slice(equals + 1).trim() };
}

const createResource: Command = async (app, args) => {
  const { values } = parse(args, {
    identifier: { type: 'string' },
    name: { type: 'string' },
    scope: { type: 'string', multiple: true },
    introspector: { type: 'string', multiple: true },
  });
  const resource = await app.get(ResourcesService).create({
    identifier: required(values.identifier, '--identifier'),
    name: required(values.name, '--name'),
    scopes: ((values.scope as string[] | undefined) ?? []).map(parseResourceScope),
    introspectors: values.introspector as string[] | undefined,
  });
  return toResourceView(resource);
};

const listResources: Command = async (app, args) => {
  parse(args, {});
  return (await app.get(ResourcesService).list()).map(toResourceView);
};

const showResource: Command = async (app, args) => {
  const { positionals } = parse(args, {}, 1);
  return toResourceView(await app.get(ResourcesService).get(positionals[0]));
};

const setResourceIntrospectors: Command = async (app, args) => {
  const { values, positionals } = parse(args, { introspector: { type: 'string', multiple: true } }, 1);
  const introspectors = (values.introspector as string[] | undefined) ?? [];
  return toResourceView(await app.get(ResourcesService).setIntrospectors(positionals[0], introspectors));
};

const deleteResource: Command = async (app, args) => {
  const { positionals } = parse(args, {}, 1);
  await app.get(ResourcesService).delete(positionals[0]);
  return { identifier: positionals[0], deleted: true };
};

const rotateKeys: Command = async (app, args) => {
  parse(args, {});
  return { kid: await app.get(KeysService).rotate() };
};

const listAuditEvents: Command = async (app, args) => {
  const { values } = parse(args, { type: { type: 'string' }, since: { type: 'string' }, limit: { type: 'string' } });
  const type = values.type as string | undefined;
  let eventType: AuditEventType | undefined;
  if (type !== undefined) {
    if (!isAuditEventType(type)) throw new CliError(`--type must be one of ${AUDIT_EVENT_TYPES.join(', ')}`);
    eventType = type;
  }
  const sinceText = values.since as string | undefined;
  const since = sinceText === undefined ? undefined : new Date(sinceText);
  if (since && (!/^\d{4}-\d{2}-\d{2}/.test(sinceText as string) || Number.isNaN(since.getTime()))) {
    throw new CliError('--since must be an ISO 8601 date or date-time, e.g. 2026-01-31T12:00:00Z');
  }
  const limitText = (values.limit as string | undefined) ?? '100';
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_AUDIT_PAGE_SIZE) {
    throw new CliError(`--limit must be a whole number from 1 to ${MAX_AUDIT_PAGE_SIZE}`);
  }
  return (await app.get(AuditService).list({ type: eventType, since, limit })).items;
};

const cleanup: Command = async (app, args) => {
  parse(args, {});
  const report = await app.get(MaintenanceService).cleanup();
  // Output fields are snake_case; PRODUCT.md still names `isPartial`, so it stays until that changes.
  return { ...report, is_partial: report.isPartial };
};

/** Every command, by the name PRODUCT.md gives it. */
export const COMMANDS: Record<string, Command> = {
  'clients:create': createClient,
  'clients:list': listClients,
  'clients:show': showClient,
  'clients:rotate-secret': rotateClientSecret,
  'clients:delete': deleteClient,
  'resources:create': createResource,
  'resources:list': listResources,
  'resources:show': showResource,
  'resources:set-introspectors': setResourceIntrospectors,
  'resources:delete': deleteResource,
  'users:create': createUser,
  'users:delete': deleteUser,
  'registration-tokens:create': createRegistrationToken,
  'keys:rotate': rotateKeys,
  'audit:list': listAuditEvents,
  'maintenance:cleanup': cleanup,
};

/**
 * Commands that only read: they refuse a missing or unmigrated database instead of creating one
 * (a misspelt DATABASE_URL would otherwise answer "no clients"). Write commands migrate as the server does.
 */
export const READ_ONLY_COMMANDS: ReadonlySet<string> = new Set([
  'clients:list',
  'clients:show',
  'resources:list',
  'resources:show',
  'audit:list',
]);

export const USAGE = `usage: tollgate <command> [options]

  clients:create --name NAME [--redirect-uri URI]... [--grant-types g1,g2] [--scope "s1 s2"]
                 [--public] [--auth-method client_secret_basic|client_secret_post|private_key_jwt|none]
                 [--pkce-exempt] [--resource URI]... [--jwks JSON | --jwks-uri URL]
                 [--post-logout-redirect-uri URI]...
  clients:list
  clients:show CLIENT_ID
  clients:rotate-secret CLIENT_ID
  clients:delete CLIENT_ID
  resources:create --identifier URI --name NAME --scope "name=Description"... [--introspector CLIENT_ID]...
  resources:list
  resources:show URI
  resources:set-introspectors URI [--introspector CLIENT_ID]...
  resources:delete URI
  users:create --username USERNAME --password PASSWORD [--email EMAIL] [--name "FULL NAME"]
  users:delete USERNAME
  registration-tokens:create [--expires-in SECONDS] [--max-uses N]
                           an initial access token for RFC 7591 registration (REGISTRATION=token)
  keys:rotate
  audit:list [--type TYPE] [--since ISO-8601] [--limit N]   audit events, newest first (default 100)
  maintenance:cleanup      delete expired codes, tokens, sessions and rate-limit windows
`;
