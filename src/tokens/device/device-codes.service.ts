import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Equal, IsNull, MoreThan, QueryFailedError, Repository } from 'typeorm';
import { randomToken, sha256Hex, timeOrderedId } from '../../common/crypto';
import { oauthConfig } from '../../config/oauth.config';
import { consumeOnce, Consumption } from '../../database/single-use';
import { TransactionsService } from '../../database/transactions.service';
import { DeviceAuthorizationEntity } from './device-authorization.entity';
import { formatUserCode, generateUserCode, normaliseUserCode } from './user-code';

/** RFC 8628 §3.2: the minimum seconds between polls a device starts with. */
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
/** RFC 8628 §3.5: what every slow_down adds to the interval. */
export const SLOW_DOWN_STEP_SECONDS = 5;
/** A new user code that collides with a live one is drawn again (RFC 8628 §6.1: unique while live). */
const USER_CODE_ATTEMPTS = 5;

export interface NewDeviceAuthorization {
  deviceCode: string;
  /** As shown to the user: `XXXX-XXXX`. */
  userCode: string;
  expiresIn: number;
  interval: number;
}

/** Device authorizations (RFC 8628): created for a client, answered by a user, polled, redeemed once. */
@Injectable()
export class DeviceCodesService {
  constructor(
    @InjectRepository(DeviceAuthorizationEntity) private readonly repository: Repository<DeviceAuthorizationEntity>,
    private readonly transactions: TransactionsService,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
  ) {}

  /** RFC 8628 §3.2: a 256-bit device code and a short user code; only their hashes are stored. */
  async create(clientId: string, scope: string, resources: readonly string[]): Promise<NewDeviceAuthorization> {
    const deviceCode = randomToken(32);
    for (let attempt = 1; ; attempt += 1) {
      const userCode = generateUserCode();
      const now = Date.now();
      try {
        await this.transactions.write((manager) =>
          manager.insert(DeviceAuthorizationEntity, {
            id: timeOrderedId(),
            deviceCodeHash: sha256Hex(deviceCode),
            userCodeHash: sha256Hex(userCode),
            clientId,
            scope,
            resources: [...resources],
            status: 'pending',
            userId: null,
            grantId: timeOrderedId(),
            intervalSeconds: DEVICE_POLL_INTERVAL_SECONDS,
            lastPolledAt: null,
            expiresAt: new Date(now + this.oauth.deviceCodeTtlSeconds * 1000),
            decidedAt: null,
            consumedAt: null,
            createdAt: new Date(now),
          }),
        );
        return {
          deviceCode,
          userCode: formatUserCode(userCode),
          expiresIn: this.oauth.deviceCodeTtlSeconds,
          interval: DEVICE_POLL_INTERVAL_SECONDS,
        };
      } catch (error) {
        // Only the user code can collide (unique index); draw another one.
        if (attempt >= USER_CODE_ATTEMPTS || !(error instanceof QueryFailedError)) throw error;
      }
    }
  }

  /** The unanswered, unexpired request a user code names (case, dashes and spaces ignored), or null. */
  async findPendingByUserCode(input: string, now = new Date()): Promise<DeviceAuthorizationEntity | null> {
    const userCode = normaliseUserCode(input);
    if (userCode === undefined) return null;
    return this.repository.findOneBy({
      userCodeHash: sha256Hex(userCode),
      status: 'pending',
      expiresAt: MoreThan(now),
    });
  }

  findByDeviceCode(deviceCode: string): Promise<DeviceAuthorizationEntity | null> {
    return this.repository.findOneBy({ deviceCodeHash: sha256Hex(deviceCode) });
  }

  /** RFC 8628 §3.3: the user's answer; true for the one caller that records it while the request is live. */
  async decide(id: string, userId: string, isApproved: boolean, now = new Date()): Promise<boolean> {
    const result = await this.transactions.write((manager) =>
      manager.update(
        DeviceAuthorizationEntity,
        { id, status: 'pending', expiresAt: MoreThan(now) },
        { status: isApproved ? 'approved' : 'denied', userId, decidedAt: now },
      ),
    );
    return result.affected === 1;
  }

  /**
   * Records a poll. False when it came sooner than the interval after the previous one, on any
   * instance: the interval then grows (RFC 8628 §3.5 slow_down). The previous poll time is compared
   * and set in one conditional UPDATE, so of two simultaneous polls one is too fast.
   */
  async recordPoll(record: DeviceAuthorizationEntity, now = new Date()): Promise<boolean> {
    const previous = record.lastPolledAt;
    const isTooSoon = previous !== null && now.getTime() - previous.getTime() < record.intervalSeconds * 1000;
    if (!isTooSoon) {
      const result = await this.transactions.write((manager) =>
        manager.update(
          DeviceAuthorizationEntity,
          { id: record.id, lastPolledAt: previous === null ? IsNull() : Equal(previous) },
          { lastPolledAt: now },
        ),
      );
      if (result.affected === 1) return true;
    }
    // RFC 8628 §3.5: "the interval MUST be increased by 5 seconds for this and all subsequent requests".
    await this.transactions.write((manager) =>
      manager.update(
        DeviceAuthorizationEntity,
        { id: record.id },
        { intervalSeconds: () => `interval_seconds + ${SLOW_DOWN_STEP_SECONDS}`, lastPolledAt: now },
      ),
    );
    return false;
  }

  /** Marks an approved device code redeemed if it is this client's and unexpired (single use), in the caller's transaction. */
  consume(
    manager: EntityManager,
    deviceCode: string,
    clientId: string,
    now = new Date(),
  ): Promise<Consumption<DeviceAuthorizationEntity>> {
    return consumeOnce(
      manager,
      {
        entity: DeviceAuthorizationEntity,
        where: { deviceCodeHash: sha256Hex(deviceCode) },
        usedColumn: 'consumedAt',
        // Approval withdrawn in the meantime (status denied) makes it unusable too.
        usable: { clientId, status: 'approved', expiresAt: MoreThan(now) },
        isOwnedBy: (record) => record.clientId === clientId,
      },
      now,
    );
  }
}
