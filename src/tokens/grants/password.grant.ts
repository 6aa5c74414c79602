import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { ClientEntity } from '../../clients/client.entity';
import { OAuthError } from '../../common/oauth/oauth.error';
import { OptionalParameter, RequiredParameter } from '../../common/oauth/parameter.decorators';
import { FailureBudget, Throttle, throttleKey } from '../../common/throttling/throttle.service';
import { limitsConfig } from '../../config/limits.config';
import { oauthConfig } from '../../config/oauth.config';
import { UsersService } from '../../users/users.service';
import { TokenResponseDto } from '../dto/token-response.dto';
import { TokenIssuer } from '../token-issuer.service';
import { Grant } from './grant.interface';
import { resolveRequestedScope } from './requested-scope';

const FAILURE_WINDOW_SECONDS = 15 * 60;

/** RFC 6749 §4.3.2. */
export class PasswordParametersDto {
  @RequiredParameter(200)
  username: string;

  @RequiredParameter(1000)
  password: string;

  @OptionalParameter(1000)
  scope?: string;
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
    private readonly users: UsersService,
    private readonly issuer: TokenIssuer,
    private readonly throttle: Throttle,
    @Inject(limitsConfig.KEY) private readonly limits: ConfigType<typeof limitsConfig>,
    @Inject(oauthConfig.KEY) oauth: ConfigType<typeof oauthConfig>,
  ) {
    this.isEnabled = oauth.allowPasswordGrant;
  }

  async handle(client: ClientEntity, parameters: PasswordParametersDto): Promise<TokenResponseDto> {
    const { username, password } = parameters;
    const scope = resolveRequestedScope(parameters.scope, client.scope);
    // RFC 6749 §4.3.2: the server MUST protect this endpoint against brute force attacks.
    const budget: FailureBudget = {
      key: throttleKey('login', 'user', username),
      limit: this.limits.loginFailuresPer15Minutes,
      windowSeconds: FAILURE_WINDOW_SECONDS,
    };
    this.throttle.throwIfBlocked([budget], 'Too many failed sign-in attempts');

    const user = await this.users.verifyPassword(username, password);
    if (!user) {
      await this.throttle.recordFailure([budget]);
      // RFC 6749 §5.2: invalid resource owner credentials are invalid_grant.
      throw OAuthError.invalidGrant('The username or password is incorrect');
    }
    return this.issuer.issueNewGrant({
      clientId: client.clientId,
      userId: user.id,
      grantId: randomUUID(),
      scope,
      hasRefreshToken: client.grantTypes.includes('refresh_token'),
    });
  }
}
