import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

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
