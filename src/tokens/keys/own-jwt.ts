import type { JwtService } from '@nestjs/jwt';
import { KeysService, SIGNING_ALGORITHM } from './keys.service';

export interface OwnJwtCheck {
  keys: KeysService;
  jwt: JwtService;
  /** The `typ` header the token must carry (a media type: compared case-insensitively, RFC 8725 §3.11). */
  typ: string;
  issuer: string;
  clockToleranceSeconds: number;
  /** For tokens that stay meaningful after they expire (an ID token given as a logout hint). */
  ignoreExpiration?: boolean;
}

/**
 * The claims of a JWT this server signed, or null: ES256 only, by one of its published keys (by `kid`),
 * of the expected `typ`, with this issuer and within its lifetime. Which claims it must carry is the
 * caller's check (access tokens: RFC 9068 §2.2; ID tokens: OpenID Connect Core §2).
 */
export async function verifyOwnJwt<T extends object>(token: string, check: OwnJwtCheck): Promise<T | null> {
  let decoded: { header: { typ?: string; kid?: string; alg?: string } } | null;
  try {
    decoded = check.jwt.decode(token, { complete: true }) as typeof decoded;
  } catch {
    return null;
  }
  const header = decoded?.header;
  if (
    !header ||
    header.alg !== SIGNING_ALGORITHM ||
    header.typ?.toLowerCase() !== check.typ.toLowerCase() ||
    !header.kid
  ) {
    return null;
  }
  const key = await check.keys.findVerificationKey(header.kid);
  if (!key) return null;
  try {
    return check.jwt.verify<T>(token, {
      // jsonwebtoken accepts a KeyObject (and skips re-parsing a PEM per call); the typings lag behind.
      publicKey: key.publicKey as unknown as Buffer,
      algorithms: [SIGNING_ALGORITHM],
      issuer: check.issuer,
      clockTolerance: check.clockToleranceSeconds,
      ignoreExpiration: check.ignoreExpiration ?? false,
    });
  } catch {
    return null;
  }
}
