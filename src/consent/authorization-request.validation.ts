import type { ClientEntity } from '../clients/client.entity';
import { isRegisteredRedirectUri } from '../clients/redirect-uri';
import { OAuthError, type OAuthErrorCode } from '../common/oauth/oauth.error';
import { BoundChallenge, checkCodeChallenge } from '../common/oauth/pkce';
import type { ResourceResolution } from '../resources/resource-indicators';
import { parseScope } from '../common/oauth/scopes';

export type ResponseType = 'code' | 'token';
export type PromptValue = 'none' | 'login' | 'consent';
/** RFC 6749 §4.1.2 answers in the query; §4.2.2 (implicit) in the fragment. */
export type ResponseMode = 'query' | 'fragment';

/** Where an answer to a request goes once client and redirect URI are trusted. */
export interface RedirectTarget {
  redirectUri: string;
  responseMode: ResponseMode;
  state: string | null;
}

export interface ValidAuthorizationRequest extends RedirectTarget {
  client: ClientEntity;
  responseType: ResponseType;
  /** The redirect_uri as sent; null when omitted (RFC 6749 §4.1.3 binds the code to it). */
  requestedRedirectUri: string | null;
  scopes: string[];
  /** RFC 8707: the resources the authorization is for. */
  resources: string[];
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  prompt: PromptValue[];
  /** OpenID Connect Core §3.1.2.1: echoed in the ID token. */
  nonce: string | null;
  /** OpenID Connect Core §3.1.2.1: seconds since the last sign-in beyond which the user signs in again. */
  maxAge: number | null;
  /** OpenID Connect Core §3.1.2.1: a username to fill in on the login form. */
  loginHint: string | null;
}

/** The outcome of checking an authorization request, in the order RFC 6749 §4.1.2.1 asks for. */
export type AuthorizationRequestCheck =
  | { kind: 'page'; error: OAuthErrorCode; description: string }
  | { kind: 'redirect-error'; target: RedirectTarget; error: OAuthErrorCode; description: string }
  | { kind: 'valid'; request: ValidAuthorizationRequest };

export interface ValidationContext {
  findClient(clientId: string): Promise<ClientEntity | null>;
  isImplicitGrantEnabled: boolean;
  /** RFC 8707: the resources a request names (or the default one), or why they are refused. */
  resolveResources(client: ClientEntity, requested: readonly string[] | undefined): Promise<ResourceResolution>;
  /** The scopes of these resources (PRODUCT.md: scopes belong to resources). */
  scopesOf(resources: readonly string[]): readonly string[];
  /** The resources plus the server's own one when the scopes include one of its scopes (openid, email). */
  withServerResource(resources: readonly string[], scopes: readonly string[]): string[];
}

/** Longest state echoed back; longer ones make Location headers that proxies drop. */
export const MAX_STATE_LENGTH = 2048;
/** OpenID Connect Core §3.1.2.1 prompt values this server honours. */
export const PROMPT_VALUES: readonly PromptValue[] = ['none', 'login', 'consent'];
/** Longest nonce kept (the column); OpenID Connect sets no limit, clients send 16–64 characters. */
export const MAX_NONCE_LENGTH = 512;
/** Longest login_hint used; a longer one cannot be a username. */
const MAX_LOGIN_HINT_LENGTH = 100;
/** max_age: a non-negative number of seconds (OpenID Connect Core §3.1.2.1), bounded to fit a column. */
const MAX_AGE_PATTERN = /^\d{1,9}$/;

type Parameter = { kind: 'absent' } | { kind: 'repeated' } | { kind: 'value'; value: string };

/**
 * Reads one parameter. RFC 6749 §3.1: a parameter without a value counts as omitted, and a
 * repeated one is an error (parsers hand a repeated parameter over as an array).
 */
function read(params: Record<string, unknown>, name: string): Parameter {
  if (!Object.hasOwn(params, name)) return { kind: 'absent' };
  const value = params[name];
  if (Array.isArray(value)) return { kind: 'repeated' };
  if (typeof value !== 'string') return { kind: 'repeated' };
  return value === '' ? { kind: 'absent' } : { kind: 'value', value };
}

/** RFC 8707 §2: `resource` may be sent several times; each value is one resource. */
function readResources(params: Record<string, unknown>): string[] | undefined {
  const value = params.resource;
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const named = values.filter((entry): entry is string => typeof entry === 'string' && entry !== '');
  return named.length > 0 ? named : undefined;
}

/** Checks an authorization request; never throws for bad input. */
export async function checkAuthorizationRequest(
  params: Record<string, unknown>,
  context: ValidationContext,
): Promise<AuthorizationRequestCheck> {
  const page = (error: OAuthErrorCode, description: string): AuthorizationRequestCheck => ({
    kind: 'page',
    error,
    description,
  });

  // RFC 6749 §4.1.2.1: until client and redirect URI are trusted, answer on a page, never redirect.
  const clientId = read(params, 'client_id');
  if (clientId.kind === 'repeated') return page('invalid_request', 'The client_id parameter is repeated.');
  if (clientId.kind === 'absent') return page('invalid_request', 'The client_id parameter is missing.');
  let client: ClientEntity | null;
  try {
    client = await context.findClient(clientId.value);
  } catch (error) {
    // A refused client metadata document: its reason, on a page (draft-ietf-oauth-client-id-metadata-document §6).
    if (error instanceof OAuthError && error.code === 'invalid_client')
      return page('invalid_client', error.description ?? '');
    throw error;
  }
  if (!client) return page('invalid_client', 'The client_id does not name a registered client.');

  const redirect = read(params, 'redirect_uri');
  if (redirect.kind === 'repeated') return page('invalid_request', 'The redirect_uri parameter is repeated.');
  let redirectUri: string;
  if (redirect.kind === 'value') {
    // RFC 6749 §3.1.2.3, RFC 9700 §4.1.3: simple string comparison (any port only for loopback IPs).
    if (redirect.value.length > 2000 || !isRegisteredRedirectUri(redirect.value, client.redirectUris)) {
      return page('invalid_request', 'The redirect_uri is not registered for this client.');
    }
    redirectUri = redirect.value;
  } else if (client.redirectUris.length === 1) {
    redirectUri = client.redirectUris[0];
  } else {
    // RFC 6749 §3.1.2.3: with several registered URIs, the request must name one.
    return page('invalid_request', 'The redirect_uri parameter is missing.');
  }

  const responseTypeParam = read(params, 'response_type');
  const responseMode: ResponseMode =
    responseTypeParam.kind === 'value' && responseTypeParam.value === 'token' ? 'fragment' : 'query';

  const stateParam = read(params, 'state');
  const state = stateParam.kind === 'value' && stateParam.value.length <= MAX_STATE_LENGTH ? stateParam.value : null;
  const target: RedirectTarget = { redirectUri, responseMode, state };
  const fail = (error: OAuthErrorCode, description: string): AuthorizationRequestCheck => ({
    kind: 'redirect-error',
    target,
    error,
    description,
  });

  // RFC 6749 §3.1: parameters must not be included more than once; a repeated state is not echoed.
  if (stateParam.kind === 'repeated') return fail('invalid_request', 'The state parameter is repeated.');
  if (stateParam.kind === 'value' && state === null) {
    return fail('invalid_request', `The state parameter is longer than ${MAX_STATE_LENGTH} characters.`);
  }
  // RFC 8707 §2: `resource` alone may be sent more than once.
  const repeated = Object.keys(params).find((name) => name !== 'resource' && read(params, name).kind === 'repeated');
  if (repeated !== undefined) return fail('invalid_request', `The ${repeated} parameter is repeated.`);

  if (responseTypeParam.kind === 'absent') return fail('invalid_request', 'The response_type parameter is missing.');
  const responseTypeValue = responseTypeParam.kind === 'value' ? responseTypeParam.value : '';
  let responseType: ResponseType;
  if (responseTypeValue === 'code') {
    if (!client.grantTypes.includes('authorization_code')) {
      return fail('unauthorized_client', 'The client is not registered for the authorization code grant.');
    }
    responseType = 'code';
  } else if (responseTypeValue === 'token' && context.isImplicitGrantEnabled) {
    // RFC 9700 §2.1.2: the implicit grant is off unless the operator enables it for registered clients.
    if (!client.grantTypes.includes('implicit')) {
      return fail('unauthorized_client', 'The client is not registered for the implicit grant.');
    }
    responseType = 'token';
  } else {
    return fail('unsupported_response_type', 'The response_type is not supported.');
  }

  // RFC 8707 §2: an unacceptable resource is invalid_target, answered at the redirect URI.
  const resolution = await context.resolveResources(client, readResources(params));
  if ('problem' in resolution) return fail('invalid_target', resolution.problem);
  const scopeParam = read(params, 'scope');
  // PRODUCT.md "Resources": the server's own scopes (openid, email) go with any resource; asking for
  // one adds the server's resource (UserInfo), to which they belong.
  const asked =
    scopeParam.kind === 'value' ? (parseScope(scopeParam.value) ?? []) : client.scope.split(' ').filter(Boolean);
  const resources = context.withServerResource(resolution.resources, asked);
  // PRODUCT.md: a client asks for the scopes it is registered for that belong to the resources.
  const offered = new Set(context.scopesOf(resources));
  const registeredScopes = client.scope.split(' ').filter((scope) => scope !== '' && offered.has(scope));
  let scopes: string[];
  if (scopeParam.kind === 'value') {
    // RFC 6749 §3.3: scope-token grammar; PRODUCT P2: unknown or unregistered scopes are refused.
    const parsed = parseScope(scopeParam.value);
    if (!parsed || parsed.length === 0) return fail('invalid_scope', 'The scope parameter is malformed.');
    const refused = parsed.filter((scope) => !registeredScopes.includes(scope));
    if (refused.length > 0) {
      return fail('invalid_scope', 'The scope is unknown, not allowed for this client, or not one of the resource.');
    }
    scopes = parsed;
  } else {
    scopes = registeredScopes;
  }
  if (scopes.length === 0) return fail('invalid_scope', 'The client has no scope to ask for.');

  let pkce: BoundChallenge = { codeChallenge: null, codeChallengeMethod: null };
  if (responseType === 'code') {
    const valueOf = (name: string) => {
      const parameter = read(params, name);
      return parameter.kind === 'value' ? parameter.value : undefined;
    };
    const checked = checkCodeChallenge(client, valueOf('code_challenge'), valueOf('code_challenge_method'));
    if ('problem' in checked) return fail('invalid_request', checked.problem);
    pkce = checked.bound;
  }

  const promptParam = read(params, 'prompt');
  const prompt: PromptValue[] = [];
  if (promptParam.kind === 'value') {
    for (const value of new Set(promptParam.value.split(' '))) {
      if (!PROMPT_VALUES.includes(value as PromptValue)) {
        return fail('invalid_request', 'The prompt parameter has an unsupported value.');
      }
      prompt.push(value as PromptValue);
    }
    // OpenID Connect Core §3.1.2.1: none must not be combined with another value.
    if (prompt.includes('none') && prompt.length > 1) {
      return fail('invalid_request', 'prompt=none cannot be combined with other values.');
    }
  }

  // OpenID Connect Core §3.1.2.1: nonce, max_age and login_hint.
  const nonceParam = read(params, 'nonce');
  if (nonceParam.kind === 'value' && nonceParam.value.length > MAX_NONCE_LENGTH) {
    return fail('invalid_request', `The nonce parameter is longer than ${MAX_NONCE_LENGTH} characters.`);
  }
  const maxAgeParam = read(params, 'max_age');
  if (maxAgeParam.kind === 'value' && !MAX_AGE_PATTERN.test(maxAgeParam.value)) {
    return fail('invalid_request', 'The max_age parameter must be a non-negative number of seconds.');
  }
  const loginHintParam = read(params, 'login_hint');

  return {
    kind: 'valid',
    request: {
      ...target,
      client,
      responseType,
      requestedRedirectUri: redirect.kind === 'value' ? redirect.value : null,
      scopes,
      resources,
      ...pkce,
      prompt,
      nonce: nonceParam.kind === 'value' ? nonceParam.value : null,
      maxAge: maxAgeParam.kind === 'value' ? Number(maxAgeParam.value) : null,
      // A hint only: one that cannot be a username is ignored rather than refused.
      loginHint:
        loginHintParam.kind === 'value' && loginHintParam.value.length <= MAX_LOGIN_HINT_LENGTH
          ? loginHintParam.value
          : null,
    },
  };
}
