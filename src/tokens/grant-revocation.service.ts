import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { AccessTokenEntity } from './access-token.entity';
import { AuthorizationCodeEntity } from './authorization-code.entity';
import { DeviceAuthorizationEntity } from './device/device-authorization.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { TransactionsService } from '../database/transactions.service';

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
      await manager.update(RefreshTokenEntity, { userId, clientId, revokedAt: IsNull() }, { revokedAt });
      await manager.update(AccessTokenEntity, { userId, clientId, revokedAt: IsNull() }, { revokedAt });
    });
  }

  /** A token family (one grant): every refresh and access token issued from it stops working. */
  async revokeGrant(manager: EntityManager, grantId: string, revokedAt = new Date()): Promise<void> {
    await manager.update(RefreshTokenEntity, { grantId, revokedAt: IsNull() }, { revokedAt });
    await manager.update(AccessTokenEntity, { grantId, revokedAt: IsNull() }, { revokedAt });
  }
}
