import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** Reads "true"/"false" (and 1/0, yes/no, on/off); anything else is left as-is so validation names it. */
function toBoolean({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return value;
}

/** Reads a whole decimal number; anything else is left as-is so validation names it. */
function toInteger({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  return /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
}

/** A whole number within bounds; the message for "banana" says it is not a number. */
/** A yes/no switch: true/false, 1/0, yes/no, on/off. */
function Flag(): PropertyDecorator {
  return applyDecorators(Transform(toBoolean), IsBoolean());
}

function IntegerBetween(min: number, max: number): PropertyDecorator {
  // class-validator reports the first-registered constraint first: IsInt, so "banana" reads right.
  return applyDecorators(Transform(toInteger), IsInt(), Min(min), Max(max));
}

function applyDecorators(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const decorator of decorators) decorator(target, key);
  };
}

/** The process environment as Tollgate reads it: every variable, its type and its default. */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IntegerBetween(0, 65535)
  PORT = 3000;

  @IsString()
  @MaxLength(255)
  HOST = '0.0.0.0';

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  ISSUER?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  RESOURCE_AUDIENCE?: string;

  @IsString()
  @MaxLength(2000)
  DATABASE_URL = 'sqlite:./data/tollgate.sqlite';

  @Flag()
  DB_MIGRATIONS_RUN = true;

  @IntegerBetween(1, 500)
  DB_POOL_SIZE = 10;

  @IntegerBetween(100, 120000)
  DB_CONNECT_TIMEOUT_MS = 5000;

  /** MySQL: a statement that takes longer is abandoned (its connection closed); 503 to the caller. */
  @IntegerBetween(100, 3600000)
  DB_QUERY_TIMEOUT_MS = 5000;

  /** MySQL: longest wait for a pooled connection before the request answers 503. */
  @IntegerBetween(100, 600000)
  DB_ACQUIRE_TIMEOUT_MS = 5000;

  @IntegerBetween(30, 86400)
  ACCESS_TOKEN_TTL_SECONDS = 600;

  @IntegerBetween(60, 31536000)
  REFRESH_TOKEN_TTL_SECONDS = 2592000;

  @IntegerBetween(10, 600)
  AUTH_CODE_TTL_SECONDS = 60;

  /** RFC 8628 §3.2 `expires_in` of device codes and user codes. */
  @IntegerBetween(60, 1800)
  DEVICE_CODE_TTL_SECONDS = 600;

  @IntegerBetween(0, 300)
  CLOCK_LEEWAY_SECONDS = 30;

  /** How often an instance re-reads signing keys (to pick up a rotation done elsewhere). */
  @IntegerBetween(1, 3600)
  SIGNING_KEY_REFRESH_SECONDS = 30;

  @Flag()
  ALLOW_IMPLICIT_GRANT = false;

  @Flag()
  ALLOW_PASSWORD_GRANT = false;

  /** Encrypts signing keys at rest (AES-256-GCM) when set. */
  @IsOptional()
  @IsString()
  @MinLength(32)
  @MaxLength(1000)
  KEY_ENCRYPTION_SECRET?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Flag()
  TRUST_PROXY = false;

  /** Product name on the sign-in, consent and account pages (header and titles). */
  @IsString()
  @MinLength(1)
  @MaxLength(60)
  BRAND_NAME = 'Tollgate';

  /** Logo in the page header: an https URL, or a path on this server. */
  @IsOptional()
  @IsString()
  @Matches(/^(https:\/\/[^\s"'<>]+|\/[^\s"'<>]*)$/, {
    message: 'BRAND_LOGO_URL must be an https URL or a path starting with /',
  })
  @MaxLength(2000)
  BRAND_LOGO_URL?: string;

  /** Accent colour of buttons, links and focus rings, as #rrggbb. */
  @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'BRAND_COLOR must be a colour like #1d4ed8' })
  BRAND_COLOR = '#1d4ed8';

  @IntegerBetween(1024, 10485760)
  BODY_LIMIT_BYTES = 65536;

  /** Seconds between cleanups of expired rows on each instance; 0 turns the schedule off. */
  @IntegerBetween(0, 86400)
  CLEANUP_INTERVAL_SECONDS = 300;

  @IntegerBetween(10, 100000)
  CLEANUP_BATCH_SIZE = 1000;

  @IntegerBetween(1, 100000)
  CLEANUP_MAX_BATCHES = 100;

  @Flag()
  RATE_LIMIT_ENABLED = true;

  /** Where rate-limit counters shared by all instances live. */
  @IsIn(['database', 'redis'])
  RATE_LIMIT_STORE: 'database' | 'redis' = 'database';

  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must start with redis:// or rediss://' })
  @MaxLength(2000)
  REDIS_URL = 'redis://127.0.0.1:6379';

  @IntegerBetween(1, 1000000)
  RATE_LIMIT_TOKEN_PER_MINUTE = 1200;

  @IntegerBetween(1, 100000)
  RATE_LIMIT_CLIENT_AUTH_FAILURES_PER_MINUTE = 20;

  @IntegerBetween(1, 100000)
  RATE_LIMIT_LOGIN_FAILURES_PER_15_MINUTES = 10;

  /** Wrong user codes one address may enter on /device per 15 minutes (RFC 8628 §5.1: brute force). */
  @IntegerBetween(1, 100000)
  RATE_LIMIT_USER_CODE_FAILURES_PER_ADDRESS = 20;

  /** Anonymous (signed-out) browser sessions one address may open per 30 minutes, their lifetime. */
  @IntegerBetween(1, 10000000)
  RATE_LIMIT_ANONYMOUS_SESSIONS_PER_ADDRESS = 1000;

  /** argon2id cost (OWASP Password Storage Cheat Sheet: 19 MiB, 2 passes, 1 lane, or stronger). */
  @IntegerBetween(7168, 4194304)
  PASSWORD_HASH_MEMORY_KIB = 19456;

  @IntegerBetween(1, 100)
  PASSWORD_HASH_ITERATIONS = 2;

  @IntegerBetween(1, 16)
  PASSWORD_HASH_PARALLELISM = 1;

  /** Password hashes computed at once; the others wait. Bounds their memory: this × the memory cost. */
  @IntegerBetween(1, 64)
  PASSWORD_HASH_CONCURRENCY = 2;

  /** Requests per minute from one address to the endpoints that take credentials (token, login, …). */
  @IntegerBetween(1, 10000000)
  RATE_LIMIT_REQUESTS_PER_MINUTE_PER_ADDRESS = 6000;

  /** Introspections answered `active: false`, per client: more looks like scanning for tokens. */
  @IntegerBetween(1, 1000000)
  RATE_LIMIT_INTROSPECTION_MISSES_PER_MINUTE = 600;

  /** RFC 7591 registration: off, token (an initial access token from registration-tokens:create) or open. */
  @IsIn(['off', 'token', 'open'])
  REGISTRATION: 'off' | 'token' | 'open' = 'token';

  /** Self-registered clients with no token for this long are deleted by the cleanup job (30 days). */
  @IntegerBetween(3600, 315360000)
  REGISTRATION_UNUSED_CLIENT_TTL_SECONDS = 2592000;

  /** Registrations one address may make per hour (all policies). */
  @IntegerBetween(1, 1000000)
  RATE_LIMIT_REGISTRATIONS_PER_HOUR = 20;

  /** Client ID Metadata Documents: a client_id that is an https URL names the client its document describes. */
  @Flag()
  CLIENT_ID_METADATA_DOCUMENTS = true;

  /** Tests and local development only: fetch client documents from loopback addresses, http or https. */
  @Flag()
  CIMD_ALLOW_HTTP_LOOPBACK = false;

  /** Port of the Prometheus metrics listener (`GET /metrics`); 0 turns it off. */
  @IntegerBetween(0, 65535)
  METRICS_PORT = 9464;

  /** Address the metrics listener binds to: loopback unless an operator opens it up. */
  @IsString()
  @MaxLength(255)
  METRICS_HOST = '127.0.0.1';

  /** Audit events older than this are deleted by the cleanup job. */
  @IntegerBetween(1, 36500)
  AUDIT_RETENTION_DAYS = 90;
}

/** The validated environment, with the derived defaults filled in. */
export type Environment = EnvironmentVariables & { ISSUER: string; RESOURCE_AUDIENCE: string };

export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvironmentError';
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** RFC 8414 §2: the issuer is an https URL with no query or fragment (http only on loopback). */
function checkIssuer(name: string, value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name} must be an absolute URL (got "${value}")`;
  }
  if (url.search || url.hash || value.includes('?') || value.includes('#')) {
    return `${name} must not contain a query or fragment`;
  }
  if (url.username || url.password) return `${name} must not contain credentials`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return `${name} must use https unless its host is a loopback address (got "${value}")`;
}

/** Variables whose values may hold credentials: named in errors, never echoed. */
const SECRET_VARIABLES = new Set(['DATABASE_URL', 'KEY_ENCRYPTION_SECRET', 'REDIS_URL']);

const OPTIONAL_VARIABLES = ['ISSUER', 'RESOURCE_AUDIENCE', 'KEY_ENCRYPTION_SECRET'];
const KNOWN_VARIABLES = new Set([...Object.keys(new EnvironmentVariables()), ...OPTIONAL_VARIABLES]);

function describe(errors: ValidationError[]): string[] {
  return errors.map((error) => {
    const reasons = Object.values(error.constraints ?? {}).join('; ');
    if (SECRET_VARIABLES.has(error.property)) return `${error.property}: ${reasons}`;
    const shown = typeof error.value === 'string' ? `"${error.value}"` : String(error.value);
    return `${error.property}: ${reasons} (got ${shown})`;
  });
}

/** Validates a raw environment; throws EnvironmentError naming every bad variable. */
export function validate(raw: Record<string, unknown>): Environment {
  // An empty variable counts as unset, so `PORT= npm start` takes the default.
  const present = Object.fromEntries(
    Object.entries(raw).filter(([key, value]) => KNOWN_VARIABLES.has(key) && value !== undefined && value !== ''),
  );
  const env = plainToInstance(EnvironmentVariables, present);
  const problems = describe(validateSync(env, { stopAtFirstError: true }));

  const isBad = (name: string) => problems.some((problem) => problem.startsWith(`${name}:`));
  if (isBad('PORT') && env.ISSUER === undefined) throw new EnvironmentError(problems);
  env.ISSUER ??= `http://localhost:${env.PORT}`;
  if (!isBad('ISSUER')) {
    const issuerProblem = checkIssuer('ISSUER', env.ISSUER);
    if (issuerProblem) problems.push(issuerProblem);
  }
  const isAudienceDerived = env.RESOURCE_AUDIENCE === undefined;
  env.RESOURCE_AUDIENCE ??= `${env.ISSUER.replace(/\/+$/, '')}/api`;
  const isIssuerBad = problems.some((problem) => problem.startsWith('ISSUER'));
  if (!isBad('RESOURCE_AUDIENCE') && !(isAudienceDerived && isIssuerBad)) {
    try {
      new URL(env.RESOURCE_AUDIENCE);
    } catch {
      problems.push(`RESOURCE_AUDIENCE must be an absolute URL (got "${env.RESOURCE_AUDIENCE}")`);
    }
  }
  if (!/^(sqlite:|mysql:\/\/|mariadb:\/\/)/.test(env.DATABASE_URL)) {
    problems.push('DATABASE_URL must start with sqlite: or mysql:// (got a value of another kind)');
  }
  if (problems.length > 0) throw new EnvironmentError(problems);
  return env as Environment;
}

/** The only reader of process.env besides ormconfig.ts. */
export function loadEnvironment(): Environment {
  return validate(process.env);
}
