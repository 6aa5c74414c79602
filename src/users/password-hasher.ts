import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import * as argon2 from 'argon2';
import { passwordConfig } from '../config/password.config';

export interface PasswordCheck {
  isValid: boolean;
  /** The hash was made with other parameters than today's: store a new one (valid passwords only). */
  needsRehash: boolean;
}

/** argon2id with the operator's parameters (OWASP: m = 19 MiB, t = 2, p = 1 by default). */
@Injectable()
export class PasswordHasher {
  private readonly options: argon2.HashOptions & { raw: false };
  private dummyHash?: Promise<string>;

  constructor(@Inject(passwordConfig.KEY) config: ConfigType<typeof passwordConfig>) {
    this.options = { type: argon2.argon2id, raw: false, ...config };
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  /**
   * Checks a password against a stored hash, or against a dummy hash when there is none (an unknown
   * user), so that timing does not tell which usernames exist.
   */
  async verify(hash: string | undefined, password: string): Promise<PasswordCheck> {
    const isValid = await argon2.verify(hash ?? (await this.getDummyHash()), password).catch(() => false);
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
