import { importJWK, type JSONWebKeySet, type JWK } from 'jose';

/**
 * Client-assertion signature algorithms (RFC 7518 §3, RFC 8037 §3.1; `Ed25519` is the fully
 * specified name of RFC 9864 that current libraries emit for EdDSA over Ed25519). `none` and the
 * HMAC algorithms are not here: an assertion must be signed with a key only the client holds.
 */
export const CLIENT_ASSERTION_ALGORITHMS = ['ES256', 'RS256', 'PS256', 'EdDSA', 'Ed25519'] as const;

/** The algorithms each kind of key may sign with. */
const ALGORITHMS_BY_KEY: Record<string, readonly string[]> = {
  'EC/P-256': ['ES256'],
  RSA: ['RS256', 'PS256'],
  'OKP/Ed25519': ['EdDSA', 'Ed25519'],
};

/** RFC 7517 §6.2.2, §6.3.2, RFC 8037 §2, §6.4.1: members that only a private or symmetric key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** A client has a handful of keys (two while rotating); more is a mistake or an attack on our CPU. */
export const MAX_CLIENT_KEYS = 10;
/** Longest JWKS accepted, serialized; also the fetch limit of a `jwks_uri` document. */
export const MAX_JWKS_LENGTH = 20_000;
/** NIST SP 800-131A: RSA moduli shorter than 2048 bits are not acceptable for signatures. */
const MIN_RSA_MODULUS_BITS = 2048;

export class ClientJwksError extends Error {}

function keyKind(key: Record<string, unknown>): string {
  return key.kty === 'RSA' ? 'RSA' : `${String(key.kty)}/${String(key.crv)}`;
}

function rsaModulusBits(n: unknown): number {
  if (typeof n !== 'string') return 0;
  const bytes = Buffer.from(n, 'base64url');
  const first = bytes.findIndex((byte) => byte !== 0);
  return first < 0 ? 0 : (bytes.length - first) * 8 - Math.clz32(bytes[first]) + 24;
}

/** Why one key cannot verify client assertions, or undefined when it can. */
function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'is not a JSON object';
  const jwk = key as Record<string, unknown>;
  const privateMember = PRIVATE_MEMBERS.find((member) => Object.hasOwn(jwk, member));
  // A private or symmetric key in a client's public key set is a leaked secret: never store or use it.
  if (privateMember !== undefined) return `has the private member '${privateMember}'; publish public keys only`;
  const algorithms = ALGORITHMS_BY_KEY[keyKind(jwk)];
  if (!algorithms) return 'must be an EC P-256, RSA or OKP Ed25519 key';
  if (jwk.kty === 'RSA' && rsaModulusBits(jwk.n) < MIN_RSA_MODULUS_BITS)
    return 'must have an RSA modulus of 2048 bits or more';
  // RFC 7517 §4.2, §4.4: a key meant for encryption, or bound to another algorithm, cannot verify our assertions.
  if (jwk.use !== undefined && jwk.use !== 'sig') return "has a 'use' other than 'sig'";
  if (jwk.alg !== undefined && !algorithms.includes(jwk.alg as string)) {
    return `has the alg '${String(jwk.alg)}', not one of ${algorithms.join(', ')}`;
  }
  if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || jwk.kid.length > 200)) return 'has a malformed kid';
  return undefined;
}

/**
 * Checks a client's JSON Web Key Set (RFC 7517 §5): public signing keys of the kinds above, each
 * importable. `jwks_uri` documents go through the same check, so a client that publishes a private
 * key is refused there too. Returns the set as stored (only the keys, re-serialized).
 */
export async function checkClientJwks(input: unknown): Promise<JSONWebKeySet> {
  let value = input;
  if (typeof value === 'string') {
    if (value.length > MAX_JWKS_LENGTH) throw new ClientJwksError(`jwks must be at most ${MAX_JWKS_LENGTH} characters`);
    try {
      value = JSON.parse(value);
    } catch {
      throw new ClientJwksError('jwks must be a JSON Web Key Set (JSON)');
    }
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (typeof value !== 'object' || value === null || !Array.isArray(keys)) {
    throw new ClientJwksError('jwks must be a JSON object with a "keys" array');
  }
  if (keys.length === 0 || keys.length > MAX_CLIENT_KEYS) {
    throw new ClientJwksError(`jwks must hold 1 to ${MAX_CLIENT_KEYS} keys`);
  }
  for (const [index, key] of keys.entries()) {
    const problem = keyProblem(key);
    if (problem) throw new ClientJwksError(`jwks key ${index} ${problem}`);
    const jwk = key as JWK;
    try {
      await importJWK(jwk, ALGORITHMS_BY_KEY[keyKind(jwk as Record<string, unknown>)][0]);
    } catch {
      throw new ClientJwksError(`jwks key ${index} is not a valid public key`);
    }
  }
  return { keys: keys as JWK[] };
}

/**
 * Why a `jwks_uri` cannot be registered, or undefined. RFC 7591 §2: an https URL; where it points
 * (never a private address) is the fetcher's check at every fetch, since DNS answers change.
 */
export function jwksUriProblem(uri: string): string | undefined {
  if (uri.length > 2000) return 'must be at most 2000 characters';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URL';
  }
  // http only on a loopback host, which the fetcher reaches only with CIMD_ALLOW_HTTP_LOOPBACK (development).
  const isLoopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.startsWith('127.');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback)) return 'must be an https URL';
  if (url.hash !== '' || uri.includes('#')) return 'must not have a fragment';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  return undefined;
}
