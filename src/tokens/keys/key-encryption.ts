import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

const PREFIX = 'enc:v1:';

/** AES-256-GCM envelope for private keys at rest; the key is derived once from KEY_ENCRYPTION_SECRET. */
export class KeyEncryption {
  private readonly key?: Buffer;

  constructor(secret: string | undefined) {
    this.key = secret ? scryptSync(secret, 'tollgate/signing-keys/v1', 32) : undefined;
  }

  get isEnabled(): boolean {
    return this.key !== undefined;
  }

  seal(plaintext: string): string {
    if (!this.key) return plaintext;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
  }

  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    if (!this.key) throw new Error('A signing key is encrypted but KEY_ENCRYPTION_SECRET is not set');
    const [iv, tag, body] = stored.slice(PREFIX.length).split('.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('A signing key cannot be decrypted: KEY_ENCRYPTION_SECRET does not match');
    }
  }
}
