import { timeOrderedId } from '../../common/crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { ClientEntity } from '../../clients/client.entity';
import { OAuthError } from '../../common/oauth/oauth.error';
import { OptionalParameter, RepeatableParameter, RequiredParameter } from '../../common/oauth/parameter.decorators';
import { MAX_RESOURCE_IDENTIFIER_LENGTH } from '../../resources/resource-identifier';
import { MAX_RESOURCES_PER_REQUEST } from '../../resources/resource-indicators';
import { oauthConfig } from '../../config/oauth.config';
import { SignInService } from '../../users/sign-in.service';
import { MAX_PASSWORD_LENGTH } from '../../users/users.service';
import { TokenResponseDto } from '../dto/token-response.dto';
import { TokenIssuer } from '../token-issuer.service';
import { Grant, TokenRequestContext } from './grant.interface';
import { RequestedResources } from './requested-resources';

/** RFC 6749 §4.3.2. */
export class PasswordParametersDto {
  @RequiredParameter(200)
  username: string;

  @RequiredParameter(MAX_PASSWORD_LENGTH)
  password: string;

  @OptionalParameter(1000)
  scope?: string;

  /** RFC 8707 §2. */
  @RepeatableParameter(MAX_RESOURCES_PER_REQUEST, MAX_RESOURCE_IDENTIFIER_LENGTH)
  resource?: string[];
}

/** RFC 6749 §4.3, retired by RFC 9700 §2.4: offered only when ALLOW_PASSWORD_GRANT is set. */
@Injectable()
export class PasswordGrant implements Grant<PasswordParametersDto> {
  readonly grantType = 'password';
  readonly parameters = PasswordParametersDto;
  readonly isPublicClientAllowed = false;
  readonly usesRedirectUri = false;
  readonly isEnabled: boolean;

  constructor(
    private readonly signIn: SignInService,
    private readonly issuer: TokenIssuer,
    private readonly resources: RequestedResources,
    @Inject(oauthConfig.KEY) oauth: ConfigType<typeof oauthConfig>,
  ) {
    this.isEnabled = oauth.allowPasswordGrant;
  }

  async handle(
    client: ClientEntity,
    parameters: PasswordParametersDto,
    context: TokenRequestContext,
  ): Promise<TokenResponseDto> {
    const resources = await this.resources.resolve(client, parameters.resource);
    const scope = this.resources.scopeFor(resources, client.scope, parameters.scope);
    // RFC 6749 §4.3.2: the server MUST protect this endpoint against brute force attacks.
    const attempt = await this.signIn.attempt(parameters.username, parameters.password, context.remoteAddress, {
      method: 'password_grant',
      clientId: client.clientId,
    });
    if (attempt.kind === 'throttled') {
      throw OAuthError.tooMany('Too many failed sign-in attempts', attempt.decision.retryAfterSeconds);
    }
    // RFC 6749 §5.2: invalid resource owner credentials are invalid_grant.
    if (attempt.kind === 'wrong-credentials') throw OAuthError.invalidGrant('The username or password is incorrect');
    return this.issuer.issueNewGrant({
      clientId: client.clientId,
      userId: attempt.user.id,
      grantId: timeOrderedId(),
      scope,
      resources,
      hasRefreshToken: client.grantTypes.includes('refresh_token'),
    });
  }
}
