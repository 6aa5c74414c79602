import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditActor, CLI_ACTOR } from '../audit/audit-events';
import { AuditService } from '../audit/audit.service';
import { MoreThan, Raw, Repository } from 'typeorm';
import { randomToken, sha256Hex } from '../common/crypto';
import { OAuthError } from '../common/oauth/oauth.error';
import { deleteExpiredBatch } from '../database/expired-rows';
import { RegistrationTokenEntity } from './registration-token.entity';

function refused(): OAuthError {
  return new OAuthError('invalid_token', 'The initial access token is invalid, expired or used up', {
    challenge: 'Bearer',
  });
}

/** Defaults of `registration-tokens:create`: one registration within a day. */
export const DEFAULT_TOKEN_TTL_SECONDS = 86400;
export const DEFAULT_TOKEN_MAX_USES = 1;

export interface IssuedRegistrationToken {
  token: string;
  expires_at: string;
  max_uses: number;
}

/** Initial access tokens (RFC 7591 §3): stored as hashes, with an expiry and a use limit. */
@Injectable()
export class RegistrationTokensService {
  constructor(
    @InjectRepository(RegistrationTokenEntity) private readonly tokens: Repository<RegistrationTokenEntity>,
    private readonly audit: AuditService,
  ) {}

  async create(
    options: { expiresInSeconds?: number; maxUses?: number } = {},
    now = new Date(),
    by: AuditActor = CLI_ACTOR,
  ): Promise<IssuedRegistrationToken> {
    const expiresInSeconds = options.expiresInSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    const maxUses = options.maxUses ?? DEFAULT_TOKEN_MAX_USES;
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 60 || expiresInSeconds > 31536000) {
      throw OAuthError.invalidRequest('expires-in must be a whole number of seconds from 60 to 31536000');
    }
    if (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > 1000000) {
      throw OAuthError.invalidRequest('max-uses must be a whole number from 1 to 1000000');
    }
    const token = randomToken(32);
    const expiresAt = new Date(now.getTime() + expiresInSeconds * 1000);
    const tokenHash = sha256Hex(token);
    await this.audit.inTransaction(
      (manager) => manager.insert(RegistrationTokenEntity, { tokenHash, expiresAt, maxUses, uses: 0, createdAt: now }),
      // Never the token itself: a short prefix of its hash names it in the log.
      () => ({
        type: 'registration_token.created',
        actor: by.actor,
        ip: by.ip,
        subject: `registration_token:${tokenHash.slice(0, 12)}`,
        details: { expires_at: expiresAt.toISOString(), max_uses: maxUses },
      }),
    );
    return { token, expires_at: expiresAt.toISOString(), max_uses: maxUses };
  }

  /** Refuses a token that could not be spent now (a read; `consume` still decides atomically). */
  async assertUsable(token: string, now = new Date()): Promise<void> {
    const row = await this.tokens.findOneBy({ tokenHash: sha256Hex(token) });
    if (!row || row.expiresAt <= now || row.uses >= row.maxUses) throw refused();
  }

  /**
   * Spends one use of a token, or refuses it (unknown, expired or used up) with 401 invalid_token
   * (RFC 7591 §3, RFC 6750 §3.1). One conditional UPDATE decides, so parallel registrations on any
   * number of instances never use a token more often than its limit.
   */
  async consume(token: string, now = new Date()): Promise<void> {
    const result = await this.tokens.update(
      {
        tokenHash: sha256Hex(token),
        expiresAt: MoreThan(now),
        uses: Raw((uses) => `${uses} < max_uses`),
      },
      { uses: () => 'uses + 1' },
    );
    if (result.affected !== 1) throw refused();
  }

  deleteExpired(now: Date, batchSize: number): Promise<number> {
    return deleteExpiredBatch(this.tokens, now, batchSize);
  }
}
