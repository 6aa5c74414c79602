import { createHmac, KeyObject, sign } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { AccessTokenClaims } from '../../src/tokens/access-token-claims';
import { KeysService } from '../../src/tokens/keys/keys.service';

/** A JWT's decoded header and claims. */
export interface DecodedJwt<C = Record<string, unknown>> {
  header: Record<string, unknown>;
  claims: C;
}

/** Decodes a JWT's header and claims without verifying it. */
export function decodeJwt<C = Record<string, unknown>>(token: string): DecodedJwt<C> {
  const [header, claims] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return { header, claims };
}

function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export type JwtSigner = { alg: 'ES256'; key: KeyObject } | { alg: 'HS256'; secret: Buffer | string } | { alg: 'none' };

/** Signs any header and payload, for forged-token cases the server must refuse. */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, signer: JwtSigner): string {
  const input = `${encodePart({ ...header, alg: signer.alg })}.${encodePart(payload)}`;
  switch (signer.alg) {
    case 'ES256':
      return `${input}.${sign('sha256', Buffer.from(input), { key: signer.key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    case 'HS256':
      return `${input}.${createHmac('sha256', signer.secret).update(input).digest('base64url')}`;
    case 'none':
      return `${input}.`;
  }
}

/** The server's current signing key, to forge tokens that differ from a real one in one respect. */
export async function serverSigningKey(
  t: Pick<INestApplicationContext, 'get'>,
): Promise<{ kid: string; privateKey: KeyObject; publicKey: KeyObject }> {
  const key = await t.get(KeysService).getSigningKey();
  return { kid: key.kid, privateKey: key.privateKey, publicKey: key.publicKey };
}

/** Re-signs a real token's claims with the server's key after changing header or claims. */
export async function resign(
  t: Pick<INestApplicationContext, 'get'>,
  token: string,
  changes: { header?: Record<string, unknown>; claims?: Partial<Record<keyof AccessTokenClaims, unknown>> },
): Promise<string> {
  const key = await serverSigningKey(t);
  const { header, claims } = decodeJwt(token);
  return signJwt(
    { ...header, ...changes.header },
    { ...claims, ...changes.claims },
    { alg: 'ES256', key: key.privateKey },
  );
}
