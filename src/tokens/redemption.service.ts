import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { AuditEventType } from '../audit/audit-events';
import { OAuthError } from '../common/oauth/oauth.error';
import type { Consumption } from '../database/single-use';
import { TransactionsService } from '../database/transactions.service';
import type { TokenResponseDto } from './dto/token-response.dto';
import { GrantRevocationService } from './grant-revocation.service';

/** A single-use credential that belongs to a token family (grant). */
export interface FamilyRecord {
  grantId: string;
  clientId?: string;
  userId?: string | null;
}

/**
 * How a grant redeems a single-use credential (authorization code, refresh token, device code) for
 * tokens, in one transaction. Every grant fails the same way:
 * - unknown, expired or someone else's: invalid_grant;
 * - already used: the family is revoked (and that revocation is stored), then invalid_grant
 *   (RFC 6749 §4.1.2 and §10.5 for codes, RFC 9700 §4.14.2 for refresh tokens);
 * - consumed: `issue` returns the response, or an OAuthError to refuse while keeping the credential
 *   spent (e.g. a wrong PKCE verifier, RFC 6749 §10.5), or throws to roll the consumption back.
 */
@Injectable()
export class RedemptionService {
  constructor(
    private readonly transactions: TransactionsService,
    private readonly revocation: GrantRevocationService,
    private readonly audit: AuditService,
  ) {}

  async redeem<T extends FamilyRecord>(
    consume: (manager: EntityManager) => Promise<Consumption<T>>,
    invalidDescription: string,
    issue: (manager: EntityManager, record: T) => Promise<TokenResponseDto | OAuthError>,
    /** The audit event of a replay (stored with the family's revocation). */
    replayEvent?: Extract<AuditEventType, `${string}.reuse_detected`>,
  ): Promise<TokenResponseDto> {
    const outcome = await this.transactions.transaction(async (manager) => {
      const consumption = await consume(manager);
      if (consumption.status === 'replayed') {
        const { grantId, clientId, userId } = consumption.record;
        await this.revocation.revokeGrant(manager, grantId);
        if (replayEvent) {
          await this.audit.record(
            {
              type: replayEvent,
              actor: clientId ? `client:${clientId}` : null,
              subject: userId ? `user:${userId}` : null,
              clientId,
              details: { grant_id: grantId, family_revoked: true },
            },
            manager,
          );
        }
        return OAuthError.invalidGrant(invalidDescription);
      }
      if (consumption.status === 'invalid') return OAuthError.invalidGrant(invalidDescription);
      return issue(manager, consumption.record);
    });
    if (outcome instanceof OAuthError) throw outcome;
    return outcome;
  }
}
