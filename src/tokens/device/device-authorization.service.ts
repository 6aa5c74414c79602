import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ClientAuthenticationRequest, ClientAuthenticationService } from '../../clients/client-authentication.service';
import { OAuthError } from '../../common/oauth/oauth.error';
import { Throttle, throttleKey } from '../../common/throttling/throttle.service';
import { limitsConfig } from '../../config/limits.config';
import { oauthConfig } from '../../config/oauth.config';
import { DeviceAuthorizationRequestDto, DeviceAuthorizationResponseDto } from '../dto/device-authorization.dto';
import { DEVICE_CODE_GRANT_TYPE } from '../grants/device-code.grant';
import { RequestedResources } from '../grants/requested-resources';
import { DeviceCodesService } from './device-codes.service';

/** The page where the user enters the user code (RFC 8628 §3.2 `verification_uri`). */
export const VERIFICATION_PATH = '/device';

/** The device authorization endpoint (RFC 8628 §3.1–3.2). */
@Injectable()
export class DeviceAuthorizationService {
  constructor(
    private readonly clientAuthentication: ClientAuthenticationService,
    private readonly deviceCodes: DeviceCodesService,
    private readonly throttle: Throttle,
    @Inject(limitsConfig.KEY) private readonly limits: ConfigType<typeof limitsConfig>,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    private readonly resources: RequestedResources,
  ) {}

  async authorize(
    parameters: DeviceAuthorizationRequestDto,
    credentials: ClientAuthenticationRequest,
  ): Promise<DeviceAuthorizationResponseDto> {
    // RFC 8628 §3.1: client authentication as at the token endpoint; public clients send client_id.
    const client = await this.clientAuthentication.authenticate(credentials, { isPublicClientAllowed: true });
    // Every request stores a row: a per-client budget, shared by every instance (RFC 6819 §5.1.5.12).
    this.throttle.throwIfOverRate(
      throttleKey('device-authorization', 'client', client.clientId),
      this.limits.tokenRequestsPerMinute,
      60,
      'Too many device authorization requests for this client',
    );
    // RFC 6749 §5.2 (RFC 8628 §3.2 errors): only clients registered for the device grant.
    if (!client.grantTypes.includes(DEVICE_CODE_GRANT_TYPE)) {
      throw new OAuthError('unauthorized_client', 'The client is not registered for the device_code grant type');
    }
    // RFC 8707 §2: `resource` as at the token endpoint (omitted: the default resource).
    const resources = await this.resources.resolve(client, parameters.resource);
    const scope = this.resources.scopeFor(resources, client.scope, parameters.scope);
    const created = await this.deviceCodes.create(client.clientId, scope, resources);
    const verificationUri = `${this.oauth.baseUrl}${VERIFICATION_PATH}`;
    return {
      device_code: created.deviceCode,
      user_code: created.userCode,
      verification_uri: verificationUri,
      // RFC 8628 §3.3.1: the same page with the code filled in, e.g. for a QR code.
      verification_uri_complete: `${verificationUri}?user_code=${encodeURIComponent(created.userCode)}`,
      expires_in: created.expiresIn,
      interval: created.interval,
    };
  }
}
