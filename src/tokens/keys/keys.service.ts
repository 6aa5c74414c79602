import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, MoreThan, Not, Repository } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { AuditActor, CLI_ACTOR } from '../../audit/audit-events';
import { appConfig } from '../../config/app.config';
import { oauthConfig } from '../../config/oauth.config';
import { KeyEncryption } from './key-encryption';
import { SigningKeyEntity } from './signing-key.entity';

export const SIGNING_ALGORITHM = 'ES256';

/** Unknown `kid`s may trigger a reload at most this often. */
const UNKNOWN_KID_RELOAD_MS = 5_000;

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: string;
  use: 'sig';
}

/** A key loaded for use: parsed once, kept as KeyObjects (parsing PEM per token is slow). */
export interface LoadedKey {
  kid: string;
  alg: string;
  publicJwk: PublicJwk;
  publicKey: KeyObject;
  privateKey?: KeyObject;
  createdAt: Date;
  retiredAt: Date | null;
}

/** RFC 7638 JWK thumbprint, used as the `kid`. */
function thumbprint(jwk: { crv: string; kty: string; x: string; y: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Access-token signing keys: created on first boot, stored in the database, rotated on demand. */
@Injectable()
export class KeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(KeysService.name);
  private readonly encryption: KeyEncryption;
  /** How often this instance looks for keys rotated by another instance or by the CLI. */
  private readonly reloadIntervalMs: number;
  private keys: LoadedKey[] = [];
  private loadedAt = 0;
  private lastUnknownKidReload = 0;
  private reloading?: Promise<void>;

  constructor(
    @InjectRepository(SigningKeyEntity) private readonly repository: Repository<SigningKeyEntity>,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    @Inject(appConfig.KEY) private readonly settings: Pick<ConfigType<typeof appConfig>, 'isProduction'>,
    private readonly audit: AuditService,
  ) {
    this.encryption = new KeyEncryption(oauth.keyEncryptionSecret);
    this.reloadIntervalMs = oauth.signingKeyRefreshSeconds * 1000;
  }

  private refreshTimer?: NodeJS.Timeout;

  async onModuleInit(): Promise<void> {
    if (this.settings.isProduction && !this.oauth.keyEncryptionSecret) {
      this.logger.warn(
        'KEY_ENCRYPTION_SECRET is not set: signing keys are stored unencrypted; anyone who reads the database can sign tokens',
      );
    }
    await this.ensureSigningKey();
    // Picks up a rotation made by another instance or the CLI within one interval, traffic or not.
    this.refreshTimer = setInterval(() => this.refreshInBackground(), this.reloadIntervalMs);
    this.refreshTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.refreshTimer);
  }

  /** Creates the first key if there is none, and loads every key (fails the boot if one cannot be read). */
  async ensureSigningKey(): Promise<void> {
    const active = await this.repository.findOneBy({ retiredAt: IsNull() });
    if (!active) await this.repository.insert(this.generate());
    await this.reload();
  }

  /** Makes a new key the signing key; older keys keep verifying until their tokens expire. */
  async rotate(by: AuditActor = CLI_ACTOR): Promise<string> {
    const next = this.generate();
    await this.audit.inTransaction(
      async (manager) => {
        await manager.update(SigningKeyEntity, { retiredAt: IsNull() }, { retiredAt: next.createdAt });
        await manager.insert(SigningKeyEntity, next);
      },
      // The key id (a public-key thumbprint), never key material.
      () => ({
        type: 'key.rotated',
        actor: by.actor,
        ip: by.ip,
        subject: `key:${next.kid}`,
        details: { alg: next.alg },
      }),
    );
    await this.reload();
    return next.kid;
  }

  /**
   * The key new tokens are signed with. Never waits on the database: a stale key set is refreshed in
   * the background, so signing inside a transaction never needs a second pooled connection.
   */
  getSigningKey(): LoadedKey & { privateKey: KeyObject } {
    this.refreshInBackgroundIfStale();
    const key = this.keys.find((candidate) => candidate.retiredAt === null && candidate.privateKey);
    if (!key?.privateKey) throw new Error('No signing key is available');
    return key as LoadedKey & { privateKey: KeyObject };
  }

  /** The verification key for a `kid`; an unknown kid reloads from the database, rate-limited. */
  async findVerificationKey(kid: string): Promise<LoadedKey | undefined> {
    this.refreshInBackgroundIfStale();
    const known = this.keys.find((key) => key.kid === kid && this.isPublished(key));
    if (known) return known;
    if (Date.now() - this.lastUnknownKidReload < UNKNOWN_KID_RELOAD_MS) return undefined;
    this.lastUnknownKidReload = Date.now();
    await this.reload();
    return this.keys.find((key) => key.kid === kid && this.isPublished(key));
  }

  /** The JWKS document (RFC 7517): public parts of every key still needed to verify a live token. */
  async getJwks(): Promise<{ keys: PublicJwk[] }> {
    if (Date.now() - this.loadedAt > this.reloadIntervalMs) await this.reload();
    return { keys: this.keys.filter((key) => this.isPublished(key)).map((key) => key.publicJwk) };
  }

  private refreshInBackgroundIfStale(): void {
    if (Date.now() - this.loadedAt < this.reloadIntervalMs || this.reloading) return;
    this.refreshInBackground();
  }

  private refreshInBackground(): void {
    this.reload().catch((error: unknown) => {
      // Keep serving with the keys already loaded; the next call tries again.
      this.logger.warn({ err: error }, 'could not refresh signing keys');
    });
  }

  /** Re-reads keys from the database; concurrent callers share one read. */
  reload(): Promise<void> {
    this.reloading ??= this.readKeys().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async readKeys(): Promise<void> {
    // Keys retired longer ago than any token lives are kept for the record only: not loaded.
    const publishedSince = new Date(Date.now() - this.retiredKeyGraceMs());
    const rows = await this.repository.find({
      where: [{ retiredAt: IsNull() }, { retiredAt: MoreThan(publishedSince) }],
      order: { createdAt: 'DESC' },
    });
    this.keys = rows.map((row) => this.load(row));
    this.loadedAt = Date.now();
  }

  /**
   * Erases the private part of every key retired long enough ago that no token it signed can still
   * be valid (and no instance can still be signing with it); the public part stays for the record.
   * Run by the cleanup job. Returns how many keys lost their private part.
   */
  async erasePrivatePartsOfExpiredKeys(now = new Date()): Promise<number> {
    const result = await this.repository.update(
      { retiredAt: LessThan(new Date(now.getTime() - this.retiredKeyGraceMs())), privateKey: Not(IsNull()) },
      { privateKey: null },
    );
    return result.affected ?? 0;
  }

  /**
   * A retired key stays published for the longest access-token lifetime, plus the time other
   * instances may still sign with it before they reload, plus clock leeway.
   */
  private isPublished(key: LoadedKey): boolean {
    if (key.retiredAt === null) return true;
    return key.retiredAt.getTime() + this.retiredKeyGraceMs() > Date.now();
  }

  private retiredKeyGraceMs(): number {
    return (this.oauth.accessTokenTtlSeconds + this.oauth.clockLeewaySeconds) * 1000 + this.reloadIntervalMs;
  }

  private load(row: SigningKeyEntity): LoadedKey {
    const publicJwk = JSON.parse(row.publicJwk) as PublicJwk;
    return {
      kid: row.kid,
      alg: row.alg,
      publicJwk,
      publicKey: createPublicKey({ key: { ...publicJwk }, format: 'jwk' }),
      privateKey:
        row.retiredAt === null && row.privateKey !== null
          ? createPrivateKey(this.encryption.open(row.privateKey))
          : undefined,
      createdAt: row.createdAt,
      retiredAt: row.retiredAt,
    };
  }

  private generate(): SigningKeyEntity {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string };
    const kid = thumbprint(jwk);
    const publicJwk: PublicJwk = {
      kty: jwk.kty,
      crv: jwk.crv,
      x: jwk.x,
      y: jwk.y,
      kid,
      alg: SIGNING_ALGORITHM,
      use: 'sig',
    };
    return Object.assign(new SigningKeyEntity(), {
      kid,
      alg: SIGNING_ALGORITHM,
      publicJwk: JSON.stringify(publicJwk),
      privateKey: this.encryption.seal(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
      createdAt: new Date(),
      retiredAt: null,
    });
  }
}
