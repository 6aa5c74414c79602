import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { oauthConfig } from '../config/oauth.config';
import { deleteExpiredBatch } from '../database/expired-rows';
import { AccessTokenEntity } from './access-token.entity';
import { AuthorizationCodeEntity } from './authorization-code.entity';
import { DeviceAuthorizationEntity } from './device/device-authorization.entity';
import { RefreshTokenEntity } from './refresh-token.entity';

/** Spent codes are kept a while after they expire, so a late replay is still recognised as one. */
const CODE_RETENTION_MS = 60 * 60 * 1000;

/** Removes codes and tokens that can never be used again. */
@Injectable()
export class TokenCleanupService {
  constructor(
    @InjectRepository(AuthorizationCodeEntity) private readonly codes: Repository<AuthorizationCodeEntity>,
    @InjectRepository(AccessTokenEntity) private readonly accessTokens: Repository<AccessTokenEntity>,
    @InjectRepository(RefreshTokenEntity) private readonly refreshTokens: Repository<RefreshTokenEntity>,
    @InjectRepository(DeviceAuthorizationEntity) private readonly devices: Repository<DeviceAuthorizationEntity>,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
  ) {}

  /** One batch per table; returns the rows deleted from each. */
  async deleteExpired(now: Date, batchSize: number): Promise<Record<string, number>> {
    const leewayMs = this.oauth.clockLeewaySeconds * 1000;
    return {
      authorization_codes: await deleteExpiredBatch(this.codes, new Date(now.getTime() - CODE_RETENTION_MS), batchSize),
      // A JWT past exp plus leeway fails verification whatever its record says.
      access_tokens: await deleteExpiredBatch(this.accessTokens, new Date(now.getTime() - leewayMs), batchSize),
      // Rotated refresh tokens share their family's expiry, so reuse stays detectable until then.
      refresh_tokens: await deleteExpiredBatch(this.refreshTokens, now, batchSize),
      // Kept as long as codes: a late poll still finds the row and gets expired_token, not invalid_grant.
      device_authorizations: await deleteExpiredBatch(
        this.devices,
        new Date(now.getTime() - CODE_RETENTION_MS),
        batchSize,
      ),
    };
  }
}
