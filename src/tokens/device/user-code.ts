import { randomInt } from 'node:crypto';

/** RFC 8628 §6.1: consonants only (no vowels, so no words), upper case, easy to type on any device. */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

const NORMALISED_PATTERN = new RegExp(`^[${USER_CODE_ALPHABET}]{${USER_CODE_LENGTH}}$`);

/** A new user code in its normalised form: 8 letters, 20^8 ≈ 2^34.6 possibilities. */
export function generateUserCode(): string {
  return Array.from({ length: USER_CODE_LENGTH }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]).join(
    '',
  );
}

/**
 * RFC 8628 §6.1: what the user typed, without case, dashes and spaces; undefined when it cannot
 * be a user code at all.
 */
export function normaliseUserCode(input: string): string | undefined {
  if (input.length > 64) return undefined;
  const normalised = input.replace(/[\s-]/g, '').toUpperCase();
  return NORMALISED_PATTERN.test(normalised) ? normalised : undefined;
}

/** The user code as shown: `XXXX-XXXX` (RFC 8628 §6.1: a separator makes it easier to read). */
export function formatUserCode(normalised: string): string {
  return `${normalised.slice(0, 4)}-${normalised.slice(4)}`;
}
