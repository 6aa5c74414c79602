import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  /** PEM certificate, self-signed: also the CA a client must trust. */
  cert: string;
  /** PEM private key. */
  key: string;
}

/**
 * A throwaway self-signed certificate (P-256, one day) for test servers speaking https on loopback.
 * Valid for 127.0.0.1, ::1, localhost and any extra DNS names given.
 */
export function createTestCertificate(dnsNames: string[] = []): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-tls-'));
  try {
    const names = ['IP:127.0.0.1', 'IP:::1', 'DNS:localhost', ...dnsNames.map((name) => `DNS:${name}`)];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=Tollgate test',
        '-addext',
        `subjectAltName=${names.join(',')}`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
