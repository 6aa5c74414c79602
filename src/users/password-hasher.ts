import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import * as argon2 from 'argon2';
import { ConcurrencyLimit } from '../common/concurrency-limit';
import { passwordConfig } from '../config/password.config';

export interface PasswordCheck {
  isValid: boolean;
  /** The hash was made with other parameters than today's: store a new one (valid passwords only). */
  needsRehash: boolean;
}

/**
 * argon2id with the operator's parameters (OWASP: m = 19 MiB, t = 2, p = 1 by default), at most
 * PASSWORD_HASH_CONCURRENCY at once: each holds its memory cost while it runs, and the allocator
 * keeps what a thread used, so unbounded sign-in bursts would grow the process by that much per
 * thread. Waiting sign-ins take their turn; the other worker threads stay free for DNS and files.
 */
@Injectable()
export class PasswordHasher {
  private readonly options: argon2.HashOptions & { raw: false };
  private readonly limit: ConcurrencyLimit;
  private dummyHash?: Promise<string>;

  constructor(@Inject(passwordConfig.KEY) config: ConfigType<typeof passwordConfig>) {
    const { concurrency, ...cost } = config;
    this.options = { type: argon2.argon2id, raw: false, ...cost };
    this.limit = new ConcurrencyLimit(concurrency ?? 2);
  }

  hash(password: string): Promise<string> {
    return this.limit.run(() => argon2.hash(password, this.options));
  }

  /**
   * Checks a password against a stored hash, or against a dummy hash when there is none (an unknown
   * user), so that timing does not tell which usernames exist.
   */
  async verify(hash: string | undefined, password: string): Promise<PasswordCheck> {
    const stored = hash ?? (await this.getDummyHash());
    const isValid = await this.limit.run(() => argon2.verify(stored, password)).catch(() => false);
    return {
      isValid: isValid && hash !== undefined,
      needsRehash: isValid && hash !== undefined && this.isOutdated(hash),
    };
  }

  private isOutdated(hash: string): boolean {
    return argon2.needsRehash(hash, this.options);
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= this.hash(randomUUID());
    return this.dummyHash;
  }
}
