import { plainToInstance } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  validateSync,
  ValidationError,
} from 'class-validator';
import { OAuthError } from '../common/oauth/oauth.error';
import type { ClientMetadata } from './client.entity';
import type { NewClient } from './clients.service';

/**
 * RFC 7591 §2 client metadata as sent to /oauth/register or served in a Client ID Metadata
 * Document. Types and bounds only; the rules (redirect URIs, grants, methods, scopes) are
 * ClientsService's, the same as for `clients:create`. Unknown fields are dropped (RFC 7591 §2:
 * the server ignores metadata it does not understand).
 */
export class ClientMetadataDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(2000, { each: true })
  redirect_uris?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(64)
  token_endpoint_auth_method?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  grant_types?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  response_types?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(200)
  client_name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  client_uri?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  logo_uri?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  tos_uri?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  policy_uri?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  scope?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(320, { each: true })
  contacts?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(200)
  software_id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  software_version?: string;

  /** OpenID Connect Dynamic Client Registration 1.0 §2. */
  @IsOptional()
  @IsIn(['web', 'native'])
  application_type?: 'web' | 'native';

  /** RFC 7591 §2: the client's keys, for private_key_jwt. */
  @IsOptional()
  @IsObject()
  jwks?: Record<string, unknown>;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  jwks_uri?: string;

  /** Only in a metadata document (and RFC 7592 updates): the client's own identifier. */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  client_id?: string;

  /** Only in RFC 7592 updates: must equal the current secret when present. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  client_secret?: string;
}

function describe(errors: ValidationError[]): string {
  const first = errors[0];
  const reason = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
  return reason.startsWith(first.property) ? reason : `${first.property} ${reason}`;
}

/** Parses a JSON object into metadata; RFC 7591 §3.2.2: a malformed field is invalid_client_metadata (redirect URIs: invalid_redirect_uri). */
export function readClientMetadata(raw: unknown): ClientMetadataDto {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new OAuthError('invalid_client_metadata', 'The client metadata must be a JSON object');
  }
  const metadata = plainToInstance(ClientMetadataDto, raw, { excludeExtraneousValues: false });
  const errors = validateSync(metadata, { whitelist: true, forbidNonWhitelisted: false, stopAtFirstError: true });
  if (errors.length > 0) {
    const code = errors[0].property === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata';
    throw new OAuthError(code, describe(errors));
  }
  return metadata;
}

/** An https URL, for the URLs a consent page may show or link (client_uri, logo_uri…). */
function httpsUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:') return 'must use https';
  if (url.username || url.password) return 'must not contain credentials';
  return undefined;
}

/** RFC 7591 §2.1: response types follow from grant types (code ↔ authorization_code, token ↔ implicit). */
function checkResponseTypes(responseTypes: string[] | undefined, grantTypes: string[]): string[] {
  const expected = [
    ...(grantTypes.includes('authorization_code') ? ['code'] : []),
    ...(grantTypes.includes('implicit') ? ['token'] : []),
  ];
  if (responseTypes === undefined) return expected;
  const unique = [...new Set(responseTypes)];
  const unknown = unique.find((type) => type !== 'code' && type !== 'token');
  if (unknown) throw new OAuthError('invalid_client_metadata', `response_types: '${unknown}' is not supported`);
  if (unique.length !== expected.length || !expected.every((type) => unique.includes(type))) {
    throw new OAuthError(
      'invalid_client_metadata',
      'response_types must match grant_types (code with authorization_code, token with implicit)',
    );
  }
  return unique;
}

export interface MetadataRules {
  /** RFC 7591 §2 default: client_secret_basic; a metadata document's client: none. */
  defaultAuthMethod: string;
  /** A name when client_name is absent. */
  fallbackName: string;
}

/**
 * The NewClient a self-registered client asks for (the one client-creation path, ClientsService,
 * checks it as it checks `clients:create`), plus the RFC 7591 metadata kept for display.
 */
export function newClientFromMetadata(metadata: ClientMetadataDto, rules: MetadataRules): NewClient {
  for (const field of ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri'] as const) {
    const value = metadata[field];
    const problem = value === undefined ? undefined : httpsUrlProblem(value);
    if (problem) throw new OAuthError('invalid_client_metadata', `${field} ${problem}`);
  }
  // RFC 7591 §2: grant_types defaults to authorization_code.
  const grantTypes = metadata.grant_types ?? ['authorization_code'];
  checkResponseTypes(metadata.response_types, grantTypes);
  const authMethod = metadata.token_endpoint_auth_method ?? rules.defaultAuthMethod;

  const scopes = metadata.scope?.split(' ').filter((scope) => scope !== '');

  const kept: ClientMetadata = {
    ...(metadata.client_uri !== undefined ? { client_uri: metadata.client_uri } : {}),
    ...(metadata.logo_uri !== undefined ? { logo_uri: metadata.logo_uri } : {}),
    ...(metadata.tos_uri !== undefined ? { tos_uri: metadata.tos_uri } : {}),
    ...(metadata.policy_uri !== undefined ? { policy_uri: metadata.policy_uri } : {}),
    ...(metadata.contacts !== undefined ? { contacts: metadata.contacts } : {}),
    ...(metadata.software_id !== undefined ? { software_id: metadata.software_id } : {}),
    ...(metadata.software_version !== undefined ? { software_version: metadata.software_version } : {}),
    application_type: metadata.application_type ?? 'web',
  };
  const name = metadata.client_name?.trim() || rules.fallbackName;
  return {
    name,
    redirectUris: metadata.redirect_uris ?? [],
    grantTypes,
    scope: scopes?.join(' '),
    isPublic: authMethod === 'none',
    tokenEndpointAuthMethod: authMethod,
    metadata: kept,
    ...clientKeysOf(metadata),
  };
}

/**
 * The one place where a self-registered client's keys (RFC 7591 §2 `jwks` / `jwks_uri`) reach
 * client creation; ClientsService checks them as it does for the CLI (public keys only, https URL,
 * one of the two, and only for a method that uses client keys such as private_key_jwt).
 */
function clientKeysOf(metadata: ClientMetadataDto): Partial<NewClient> {
  // RFC 7591 §2: jwks and jwks_uri MUST NOT both be present.
  if (metadata.jwks !== undefined && metadata.jwks_uri !== undefined) {
    throw new OAuthError('invalid_client_metadata', 'Send jwks or jwks_uri, not both');
  }
  return {
    ...(metadata.jwks !== undefined ? { jwks: metadata.jwks } : {}),
    ...(metadata.jwks_uri !== undefined ? { jwksUri: metadata.jwks_uri } : {}),
  };
}

/** The RFC 7591 §3.2.1 / RFC 7592 §3 view of a client's metadata (no secrets, no tokens). */
export interface RegisteredMetadata {
  client_id: string;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  scope: string;
  [field: string]: unknown;
}
