import { Injectable } from '@nestjs/common';
import { EntityManager, In, IsNull, Not } from 'typeorm';
import { AccessTokenEntity } from './access-token.entity';
import { AuthorizationCodeEntity } from './authorization-code.entity';
import { DeviceAuthorizationEntity } from './device/device-authorization.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { TransactionsService } from '../database/transactions.service';

/** Grant ids per statement when revoking the tokens of many grants. */
const GRANT_BATCH = 500;

/** Revokes whole sets of tokens at once: a token family, or everything a client holds for a user. */
@Injectable()
export class GrantRevocationService {
  constructor(private readonly transactions: TransactionsService) {}

  /**
   * Withdrawn consent: every refresh and access token the client holds for the user stops working,
   * and so does any code issued but not yet redeemed (marked spent, so redeeming it is refused), and
   * any device authorization approved but not yet redeemed (denied: the device's next poll gets
   * access_denied, RFC 8628 §3.5).
   */
  async revokeForUserAndClient(userId: string, clientId: string): Promise<void> {
    const revokedAt = new Date();
    await this.transactions.transaction(async (manager) => {
      await manager.update(
        AuthorizationCodeEntity,
        { userId, clientId, consumedAt: IsNull() },
        { consumedAt: revokedAt },
      );
      await manager.update(
        DeviceAuthorizationEntity,
        { userId, clientId, status: 'approved', consumedAt: IsNull() },
        { status: 'denied' },
      );
      // Tokens exchanged from these grants (RFC 8693) belong to other clients, but to the same grants.
      const grantIds = await this.grantsOf(manager, clientId, userId);
      await manager.update(RefreshTokenEntity, { userId, clientId, revokedAt: IsNull() }, { revokedAt });
      await manager.update(AccessTokenEntity, { userId, clientId, revokedAt: IsNull() }, { revokedAt });
      for (let start = 0; start < grantIds.length; start += GRANT_BATCH) {
        const batch = grantIds.slice(start, start + GRANT_BATCH);
        await manager.update(AccessTokenEntity, { grantId: In(batch), revokedAt: IsNull() }, { revokedAt });
      }
    });
  }

  /**
   * A client about to be deleted: its own tokens go with its row (ON DELETE CASCADE), and tokens
   * exchanged from its grants by other clients (RFC 8693) are revoked here.
   */
  async revokeExchangedFromClient(clientId: string): Promise<void> {
    const revokedAt = new Date();
    await this.transactions.transaction(async (manager) => {
      const grantIds = await this.grantsOf(manager, clientId);
      for (let start = 0; start < grantIds.length; start += GRANT_BATCH) {
        const batch = grantIds.slice(start, start + GRANT_BATCH);
        await manager.update(AccessTokenEntity, { grantId: In(batch), revokedAt: IsNull() }, { revokedAt });
      }
    });
  }

  /** The grants under which the client holds live tokens (for the user, when given). */
  private async grantsOf(manager: EntityManager, clientId: string, userId?: string): Promise<string[]> {
    const where = { clientId, revokedAt: IsNull(), ...(userId !== undefined ? { userId } : {}) };
    const refresh = await manager.find(RefreshTokenEntity, { select: { grantId: true }, where });
    const access = await manager.find(AccessTokenEntity, {
      select: { grantId: true },
      where: { ...where, grantId: Not(IsNull()) },
    });
    return [...new Set([...refresh, ...access].map((row) => row.grantId as string))];
  }

  /** A token family (one grant): every refresh and access token issued from it stops working. */
  async revokeGrant(manager: EntityManager, grantId: string, revokedAt = new Date()): Promise<void> {
    await manager.update(RefreshTokenEntity, { grantId, revokedAt: IsNull() }, { revokedAt });
    await manager.update(AccessTokenEntity, { grantId, revokedAt: IsNull() }, { revokedAt });
  }
}
