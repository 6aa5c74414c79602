import { constantTimeEqual, sha256Hex } from '../../common/crypto';
import type { ClientEntity } from '../client.entity';

/** Longest client secret worth hashing; ours are 43 characters. */
export const MAX_CLIENT_SECRET_LENGTH = 500;

/** Whether `secret` is the client's secret (for the two client_secret_* methods). */
export function isClientSecret(client: ClientEntity, secret: string | undefined): boolean {
  if (client.isPublic || client.secretHash === null || secret === undefined) return false;
  // Client secrets are 256-bit random strings, so a fast hash suffices; compare hashes in constant time.
  return constantTimeEqual(sha256Hex(secret), client.secretHash);
}
