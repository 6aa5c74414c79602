import { OptionalParameter, RequiredParameter } from '../../common/oauth/parameter.decorators';
import { OAuthParameters } from '../../common/pipes/oauth-validation.pipe';

/**
 * A request about one token: RFC 7662 §2.1 introspection and RFC 7009 §2.1 revocation. Client
 * credentials in the body are read by the client-authentication methods (clients/auth-methods).
 */
@OAuthParameters()
export class TokenReferenceRequestDto {
  @RequiredParameter(8000)
  token: string;

  @OptionalParameter(100)
  token_type_hint?: string;
}
