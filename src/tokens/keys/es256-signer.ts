import { KeyObject, sign } from 'node:crypto';

/** A JWS header for a compact JWT signed with ES256 (RFC 7515 §4.1). */
export interface Es256Header {
  alg: 'ES256';
  typ?: string;
  kid?: string;
}

/**
 * Signs a JWT with ES256 straight on node:crypto and a parsed KeyObject: the same bytes as
 * `@nestjs/jwt`/jsonwebtoken would produce for these header and claims (key order, base64url without
 * padding), without their per-call option checks, streams and DER-to-JOSE conversion, which cost
 * about as much as the signature itself on the token endpoint. @nestjs/jwt still verifies every JWT.
 */
export function signEs256Jwt(header: Es256Header, claims: object, privateKey: KeyObject): string {
  const input = `${base64UrlJson(header)}.${base64UrlJson(claims)}`;
  // RFC 7518 §3.4: the signature is R || S, 32 octets each (IEEE P1363), not DER.
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function base64UrlJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
