import { Injectable } from '@nestjs/common';
import type { ClientEntity } from '../../clients/client.entity';
import { OptionalParameter, RequiredParameter } from '../../common/oauth/parameter.decorators';
import { TokenResponseDto } from '../dto/token-response.dto';
import { RedemptionService } from '../redemption.service';
import { RefreshTokensService } from '../refresh-tokens.service';
import { TokenIssuer } from '../token-issuer.service';
import { Grant } from './grant.interface';
import { resolveRequestedScope } from './requested-scope';

/** RFC 6749 §6. */
export class RefreshTokenParametersDto {
  @RequiredParameter(4096)
  refresh_token: string;

  @OptionalParameter(1000)
  scope?: string;
}

/** RFC 6749 §6 with rotation: every refresh token is single use (RFC 9700 §4.14.2). */
@Injectable()
export class RefreshTokenGrant implements Grant<RefreshTokenParametersDto> {
  readonly grantType = 'refresh_token';
  readonly parameters = RefreshTokenParametersDto;
  readonly isPublicClientAllowed = true;
  readonly usesRedirectUri = false;
  readonly isEnabled = true;

  constructor(
    private readonly refreshTokens: RefreshTokensService,
    private readonly redemption: RedemptionService,
    private readonly issuer: TokenIssuer,
  ) {}

  async handle(client: ClientEntity, parameters: RefreshTokenParametersDto): Promise<TokenResponseDto> {
    return this.redemption.redeem(
      (manager) => this.refreshTokens.redeem(manager, parameters.refresh_token, client.clientId),
      'The refresh token is invalid, expired or revoked',
      (manager, record) => {
        // RFC 6749 §6: the scope may narrow, never widen; throwing rolls the redemption back.
        const scope =
          parameters.scope === undefined ? record.scope : resolveRequestedScope(parameters.scope, record.scope);
        return this.issuer.issueTokenPair(manager, {
          clientId: client.clientId,
          userId: record.userId,
          grantId: record.grantId,
          scope,
          // RFC 6749 §6: the new refresh token keeps the original grant's scope.
          refreshScope: record.scope,
          // ASVS 10.4.8: rotation does not extend the family's absolute lifetime.
          refreshExpiresAt: record.expiresAt,
          hasRefreshToken: true,
        });
      },
    );
  }
}
