import { Injectable } from '@nestjs/common';
import type { ClientEntity } from '../../clients/client.entity';
import { OAuthError } from '../../common/oauth/oauth.error';
import { RequiredParameter } from '../../common/oauth/parameter.decorators';
import { DeviceCodesService } from '../device/device-codes.service';
import { TokenResponseDto } from '../dto/token-response.dto';
import { RedemptionService } from '../redemption.service';
import { TokenIssuer } from '../token-issuer.service';
import { RequestedResources } from './requested-resources';
import { Grant } from './grant.interface';

/** RFC 8628 §3.4: the grant type URN (also in metadata and on the client). */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

const INVALID_DEVICE_CODE = 'The device code is invalid or already used';

/** RFC 8628 §3.4. */
export class DeviceCodeParametersDto {
  @RequiredParameter(256)
  device_code: string;
}

/**
 * RFC 8628 §3.4–3.5: the device polls with its device code until the user answers. Expiry comes
 * first, then the polling rate, then the user's answer; an approved code is redeemed exactly once.
 */
@Injectable()
export class DeviceCodeGrant implements Grant<DeviceCodeParametersDto> {
  readonly grantType = DEVICE_CODE_GRANT_TYPE;
  readonly parameters = DeviceCodeParametersDto;
  // RFC 8628 §3.4: devices are usually public clients (client_id only, RFC 6749 §3.2.1).
  readonly isPublicClientAllowed = true;
  readonly usesRedirectUri = false;
  readonly isSelfRegistrable = true;
  readonly isEnabled = true;

  constructor(
    private readonly deviceCodes: DeviceCodesService,
    private readonly redemption: RedemptionService,
    private readonly issuer: TokenIssuer,
    private readonly resources: RequestedResources,
  ) {}

  async handle(client: ClientEntity, parameters: DeviceCodeParametersDto): Promise<TokenResponseDto> {
    const deviceCode = parameters.device_code;
    const now = new Date();
    const record = await this.deviceCodes.findByDeviceCode(deviceCode);
    // RFC 8628 §3.5 / RFC 6749 §5.2: unknown, or issued to another client.
    if (!record || record.clientId !== client.clientId) throw OAuthError.invalidGrant(INVALID_DEVICE_CODE);
    if (record.expiresAt <= now) {
      throw new OAuthError('expired_token', 'The device code has expired; start a new device authorization');
    }
    if (!(await this.deviceCodes.recordPoll(record, now))) {
      throw new OAuthError('slow_down', 'Polling too fast; wait 5 more seconds between requests');
    }
    if (record.status === 'denied') throw new OAuthError('access_denied', 'The user denied the request');
    if (record.status === 'pending') {
      throw new OAuthError('authorization_pending', 'The user has not yet answered the request');
    }
    return this.redemption.redeem(
      (manager) => this.deviceCodes.consume(manager, deviceCode, client.clientId, now),
      INVALID_DEVICE_CODE,
      (manager, approved) =>
        this.issuer.issueTokenPair(manager, {
          clientId: client.clientId,
          userId: approved.userId,
          grantId: approved.grantId,
          scope: approved.scope,
          // RFC 8707: the resources the device asked for (the token endpoint takes no narrowing here).
          resources: this.resources.grantedOf(approved.resources),
          hasRefreshToken: client.grantTypes.includes('refresh_token'),
        }),
    );
  }
}
