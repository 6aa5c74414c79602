import { hash, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

/** Opaque random string in base64url: only unreserved characters (RFC 3986 §2.3). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Lookup hash for high-entropy secrets (client secrets, codes, refresh tokens): hex SHA-256. */
export function sha256Hex(value: string): string {
  // One-shot hash (Node ≥ 20.12): a fifth of createHash().update().digest() per call, same digest.
  return hash('sha256', value, 'hex');
}

/** Constant-time comparison of two strings; lengths leak, contents do not. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

const idBytes = Buffer.alloc(16);
/** Random bytes drawn in bulk: one call into the CSPRNG per 409 ids instead of one per id. */
const randomPool = Buffer.alloc(4096);
let randomPoolOffset = randomPool.length;

/**
 * A UUID version 7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then 74 random bits. For the keys
 * of rows written on every token (jti, refresh-token and grant ids): ids issued together sort
 * together, so an insert lands on the index's last page instead of a random one (a few pages per
 * commit instead of one per row, in SQLite's WAL and in InnoDB's clustered index alike).
 */
export function timeOrderedId(now = Date.now()): string {
  if (randomPoolOffset + 10 > randomPool.length) {
    randomFillSync(randomPool);
    randomPoolOffset = 0;
  }
  randomPool.copy(idBytes, 6, randomPoolOffset, randomPoolOffset + 10);
  randomPoolOffset += 10;
  idBytes.writeUIntBE(now, 0, 6);
  idBytes[6] = 0x70 | (idBytes[6] & 0x0f);
  idBytes[8] = 0x80 | (idBytes[8] & 0x3f);
  const hex = idBytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
