const PLACEHOLDER_ORIGIN = 'http://tollgate.invalid';

/**
 * A `return_to` target kept only when it stays on this server: a path starting with one "/",
 * never "//host" or "/\host" (which browsers read as another host). RFC 9700 §4.11: no open redirector.
 */
export function toInternalPath(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 500) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\x00-\x20\x7f]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN);
  } catch {
    return undefined;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return undefined;
  // Check what is returned, after normalisation: `/.//evil.example` becomes `//evil.example`.
  const path = `${url.pathname}${url.search}`;
  if (path.startsWith('//') || path.startsWith('/\\')) return undefined;
  return path;
}
