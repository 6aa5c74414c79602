import { OAuthError } from './oauth.error';

/** An OAuth request's parameters as the form parser hands them over (a repeated one is an array). */
export type RawParameters = Readonly<Record<string, unknown>>;

/**
 * Reads one parameter by hand, under the rules the validation pipe applies to DTOs: RFC 6749 §3.1,
 * a parameter without a value counts as omitted and one sent twice is invalid_request; longer than
 * `maxLength` is invalid_request too. Qs-style shapes (`client_id[a]=b`) are refused once per request
 * by the caller, with refuseStructuredParameters.
 */
export function readParameter(parameters: RawParameters, name: string, maxLength: number): string | undefined {
  if (!Object.hasOwn(parameters, name)) return undefined;
  const value = parameters[name];
  if (Array.isArray(value)) throw OAuthError.invalidRequest(`Parameter '${name}' must not be repeated`);
  if (typeof value !== 'string') throw OAuthError.invalidRequest(`${name} must be a string`);
  if (value === '') return undefined;
  if (value.length > maxLength) {
    throw OAuthError.invalidRequest(`${name} must be shorter than or equal to ${maxLength} characters`);
  }
  return value;
}

/**
 * HY-03: `code[a]=b`, `client_id[]=x` or `redirect_uri[$ne]=` for a parameter the endpoint knows is
 * invalid_request, never an object handed to validation or a query; unknown names stay ignored.
 */
export function refuseStructuredParameters(parameters: RawParameters, known: Iterable<string>): void {
  let names: Set<string> | undefined;
  for (const key of Object.keys(parameters)) {
    const bracket = key.indexOf('[');
    if (bracket > 0 && key.endsWith(']') && (names ??= new Set(known)).has(key.slice(0, bracket))) {
      throw OAuthError.invalidRequest(`Parameter '${key.slice(0, bracket)}' must be a single value`);
    }
  }
}
