/** Longest resource identifier (the column); RFC 8707 sets none. */
export const MAX_RESOURCE_IDENTIFIER_LENGTH = 500;

/**
 * RFC 8707 §2: a resource is an absolute URI without a fragment (and SHOULD NOT have a query).
 * Returns what is wrong with `value`, or undefined when it is a well-formed identifier.
 */
export function resourceIdentifierProblem(value: string): string | undefined {
  if (value.length > MAX_RESOURCE_IDENTIFIER_LENGTH)
    return `is longer than ${MAX_RESOURCE_IDENTIFIER_LENGTH} characters`;
  if (value.includes('#')) return 'has a fragment';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URI';
  }
  // `new URL` also accepts `mailto:x` and the like: a resource is a server, reached over http(s).
  // RFC 8707 §2: the resource server is reached over http(s); other schemes name no API.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'is not an http or https URI';
  // RFC 9110 §4.2.4: user information in an http(s) URI is deprecated and must not identify a resource.
  if (url.username || url.password) return 'has user information';
  return undefined;
}
