import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../crypto';
import { OAuthError } from './oauth.error';

/** RFC 7636 §4.1 code-verifier and §4.2 code-challenge share one grammar: 43*128unreserved. */
const UNRESERVED_43_TO_128 = /^[A-Za-z0-9\-._~]{43,128}$/;

/** The only transform offered: RFC 9700 §2.1.1 refuses `plain`. */
export const CODE_CHALLENGE_METHODS = ['S256'] as const;

/** The PKCE facts of a client that decide whether it must use PKCE. */
export interface PkceClient {
  isPublic: boolean;
  isPkceExempt: boolean;
}

/** A challenge bound to an authorization request and its code (null fields: issued without PKCE). */
export interface BoundChallenge {
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
}

/** RFC 9700 §2.1.1, RFC 7636 §4.4.1: PKCE for every client unless an operator exempted a confidential one. */
export function isPkceRequired(client: PkceClient): boolean {
  return client.isPublic || !client.isPkceExempt;
}

/**
 * The authorization endpoint's half: the challenge to bind to the code, or the problem to report
 * as invalid_request. Absent parameters are undefined.
 */
export function checkCodeChallenge(
  client: PkceClient,
  challenge: string | undefined,
  method: string | undefined,
): { bound: BoundChallenge } | { problem: string } {
  if (challenge !== undefined) {
    // RFC 7636 §4.3: a missing method means plain, which RFC 9700 §2.1.1 and PRODUCT P8 refuse.
    if (method !== 'S256') return { problem: 'Code challenge transform algorithm not supported; use S256.' };
    if (!UNRESERVED_43_TO_128.test(challenge)) {
      return { problem: 'The code_challenge must be 43 to 128 unreserved characters.' };
    }
    return { bound: { codeChallenge: challenge, codeChallengeMethod: 'S256' } };
  }
  if (method !== undefined) return { problem: 'The code_challenge_method is sent without a code_challenge.' };
  if (isPkceRequired(client)) return { problem: 'A code challenge is required (PKCE with S256).' };
  return { bound: { codeChallenge: null, codeChallengeMethod: null } };
}

/** RFC 7636 §4.1: checked before the code is touched, so a malformed verifier costs no code. */
export function isWellFormedCodeVerifier(verifier: string): boolean {
  return UNRESERVED_43_TO_128.test(verifier);
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge, compared in constant time. */
export function verifyPkce(verifier: string, challenge: string): boolean {
  const computed = createHash('sha256').update(verifier, 'ascii').digest('base64url');
  return constantTimeEqual(computed, challenge);
}

/** The token endpoint's half: undefined when the verifier fits the code's challenge, else invalid_grant. */
export function checkCodeVerifier(
  client: PkceClient,
  bound: BoundChallenge,
  verifier: string | undefined,
): OAuthError | undefined {
  if (bound.codeChallenge === null) {
    if (isPkceRequired(client)) return OAuthError.invalidGrant('The code was issued without PKCE');
    // RFC 9700 §4.8.2: a verifier for a code without a challenge is a downgrade attempt.
    if (verifier !== undefined) return OAuthError.invalidGrant('The code was issued without PKCE');
    return undefined;
  }
  // RFC 7636 §4.2: only S256 is offered; plain is refused (RFC 9700 §2.1.1).
  if (bound.codeChallengeMethod !== 'S256') return OAuthError.invalidGrant('Unsupported code challenge method');
  if (verifier === undefined) return OAuthError.invalidGrant('code_verifier is required');
  if (!verifyPkce(verifier, bound.codeChallenge)) {
    return OAuthError.invalidGrant('code_verifier does not match the code challenge');
  }
  return undefined;
}
