/** Scope grammar only; which scopes exist is declared by the protected APIs (ScopeCatalog). */

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), space-delimited. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Parses a scope parameter into distinct tokens; undefined if malformed. */
export function parseScope(value: string): string[] | undefined {
  if (value === '') return [];
  const tokens = value.split(' ');
  if (tokens.some((token) => !SCOPE_TOKEN.test(token))) return undefined;
  return [...new Set(tokens)];
}

export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}

/** True when every scope of `requested` is in `granted`. */
export function isSubsetOf(requested: readonly string[], granted: readonly string[]): boolean {
  const allowed = new Set(granted);
  return requested.every((scope) => allowed.has(scope));
}
