import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { AccessTokenEntity } from './access-token.entity';
import { RefreshTokenEntity } from './refresh-token.entity';

/** Revokes whole sets of tokens at once: everything a client holds for a user. */
@Injectable()
export class GrantRevocationService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Withdrawn consent: every refresh and access token the client holds for the user stops working. */
  async revokeForUserAndClient(userId: string, clientId: string): Promise<void> {
    const revokedAt = new Date();
    await this.dataSource.transaction(async (manager) => {
      await manager.update(RefreshTokenEntity, { userId, clientId, revokedAt: IsNull() }, { revokedAt });
      await manager.update(AccessTokenEntity, { userId, clientId, revokedAt: IsNull() }, { revokedAt });
    });
  }
}
