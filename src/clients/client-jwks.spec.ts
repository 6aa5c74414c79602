import { generateKeyPairSync } from 'node:crypto';
import { checkClientJwks, jwksUriProblem } from './client-jwks';

function publicJwk(type: 'ec' | 'ed25519' | 'rsa', options: { namedCurve?: string; modulusLength?: number } = {}) {
  const pair =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: options.namedCurve ?? 'P-256' })
      : type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: options.modulusLength ?? 2048 })
        : generateKeyPairSync('ed25519');
  return pair.publicKey.export({ format: 'jwk' });
}

describe('checkClientJwks', () => {
  it('accepts public EC P-256, RSA and Ed25519 signing keys, as JSON text or an object', async () => {
    const keys = [
      publicJwk('ec'),
      publicJwk('rsa'),
      publicJwk('ed25519'),
      { ...publicJwk('ec'), use: 'sig', alg: 'ES256' },
    ];
    await expect(checkClientJwks({ keys })).resolves.toEqual({ keys });
    await expect(checkClientJwks(JSON.stringify({ keys }))).resolves.toEqual({ keys });
  });

  it.each([
    [
      'a private key',
      { keys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' })] },
    ],
    ['a symmetric key', { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }],
    ['a P-384 key', { keys: [publicJwk('ec', { namedCurve: 'P-384' })] }],
    ['a 1024-bit RSA key', { keys: [publicJwk('rsa', { modulusLength: 1024 })] }],
    ['a key for another algorithm', { keys: [{ ...publicJwk('ec'), alg: 'RS256' }] }],
    ['an encryption key', { keys: [{ ...publicJwk('rsa'), use: 'enc' }] }],
    ['a broken key', { keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }] }],
    ['eleven keys', { keys: Array.from({ length: 11 }, () => publicJwk('ed25519')) }],
    ['no keys', { keys: [] }],
    ['no key list', {}],
    ['not JSON', '{'],
  ])('refuses %s', async (_case, jwks) => {
    await expect(checkClientJwks(jwks)).rejects.toThrow(/jwks/);
  });
});

describe('jwksUriProblem', () => {
  it('wants https, or http on a loopback host, without fragment or credentials', () => {
    expect(jwksUriProblem('https://client.example/jwks.json')).toBeUndefined();
    expect(jwksUriProblem('http://127.0.0.1:8080/jwks.json')).toBeUndefined();
    expect(jwksUriProblem('http://client.example/jwks.json')).toMatch(/https/);
    expect(jwksUriProblem('https://client.example/jwks.json#x')).toMatch(/fragment/);
    expect(jwksUriProblem('https://user:pw@client.example/jwks.json')).toMatch(/credentials/);
    expect(jwksUriProblem('/jwks.json')).toMatch(/absolute/);
  });
});
