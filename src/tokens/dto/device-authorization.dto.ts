import { OptionalParameter, RepeatableParameter } from '../../common/oauth/parameter.decorators';
import { MAX_RESOURCE_IDENTIFIER_LENGTH } from '../../resources/resource-identifier';
import { MAX_RESOURCES_PER_REQUEST } from '../../resources/resource-indicators';
import { OAuthParameters } from '../../common/pipes/oauth-validation.pipe';

/**
 * RFC 8628 §3.1 device authorization request. Client credentials in the body are read by the
 * client-authentication methods (clients/auth-methods).
 */
@OAuthParameters()
export class DeviceAuthorizationRequestDto {
  @OptionalParameter(1000)
  scope?: string;

  /** RFC 8707 §2. */
  @RepeatableParameter(MAX_RESOURCES_PER_REQUEST, MAX_RESOURCE_IDENTIFIER_LENGTH)
  resource?: string[];
}

/** RFC 8628 §3.2 device authorization response. */
export class DeviceAuthorizationResponseDto {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}
