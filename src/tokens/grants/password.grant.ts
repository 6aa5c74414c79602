import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { ClientEntity } from '../../clients/client.entity';
import { OAuthError } from '../../common/oauth/oauth.error';
import { AttemptLimiter } from '../../common/throttling/attempt-limiter.service';
import { limitsConfig } from '../../config/limits.config';
import { oauthConfig } from '../../config/oauth.config';
import { UsersService } from '../../users/users.service';
import { TokenResponseDto } from '../dto/token-response.dto';
import { TokenIssuer } from '../token-issuer.service';
import { Grant, TokenRequest } from './grant.interface';
import { resolveRequestedScope } from './requested-scope';

const FAILURE_WINDOW_SECONDS = 15 * 60;

/** RFC 6749 §4.3, retired by RFC 9700 §2.4: offered only when ALLOW_PASSWORD_GRANT is set. */
@Injectable()
export class PasswordGrant implements Grant {
  readonly grantType = 'password';
  readonly requiredParameters = ['username', 'password'] as const;
  readonly isPublicClientAllowed = false;
  readonly isEnabled: boolean;

  constructor(
    private readonly users: UsersService,
    private readonly issuer: TokenIssuer,
    private readonly limiter: AttemptLimiter,
    @Inject(limitsConfig.KEY) private readonly limits: ConfigType<typeof limitsConfig>,
    @Inject(oauthConfig.KEY) oauth: ConfigType<typeof oauthConfig>,
  ) {
    this.isEnabled = oauth.allowPasswordGrant;
  }

  async handle(client: ClientEntity, request: TokenRequest): Promise<TokenResponseDto> {
    const username = request.username as string;
    const scope = resolveRequestedScope(request.scope, client.scope);
    const throttleKey = `login:user:${username}`;
    this.throwIfThrottled(throttleKey);

    const user = await this.users.verifyPassword(username, request.password as string);
    if (!user) {
      if (this.limits.isEnabled) await this.limiter.recordFailure(throttleKey, FAILURE_WINDOW_SECONDS);
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

  /** RFC 6749 §4.3.2: the server MUST protect this endpoint against brute force attacks. */
  private throwIfThrottled(key: string): void {
    if (!this.limits.isEnabled) return;
    const decision = this.limiter.check(key, this.limits.loginFailuresPer15Minutes, FAILURE_WINDOW_SECONDS);
    if (decision.isBlocked) {
      throw new OAuthError('temporarily_unavailable', 'Too many failed sign-in attempts', {
        status: 429,
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }
  }
}
