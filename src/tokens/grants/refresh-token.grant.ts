import { Injectable } from '@nestjs/common';
import type { ClientEntity } from '../../clients/client.entity';
import { OptionalParameter, RepeatableParameter, RequiredParameter } from '../../common/oauth/parameter.decorators';
import { MAX_RESOURCE_IDENTIFIER_LENGTH } from '../../resources/resource-identifier';
import { MAX_RESOURCES_PER_REQUEST } from '../../resources/resource-indicators';
import { TokenResponseDto } from '../dto/token-response.dto';
import { RedemptionService } from '../redemption.service';
import { RefreshTokensService } from '../refresh-tokens.service';
import { TokenIssuer } from '../token-issuer.service';
import { Grant } from './grant.interface';
import { RequestedResources } from './requested-resources';

/** RFC 6749 §6. */
export class RefreshTokenParametersDto {
  @RequiredParameter(4096)
  refresh_token: string;

  @OptionalParameter(1000)
  scope?: string;

  /** RFC 8707 §2: narrows the grant's resources for this access token. */
  @RepeatableParameter(MAX_RESOURCES_PER_REQUEST, MAX_RESOURCE_IDENTIFIER_LENGTH)
  resource?: string[];
}

/** RFC 6749 §6 with rotation: every refresh token is single use (RFC 9700 §4.14.2). */
@Injectable()
export class RefreshTokenGrant implements Grant<RefreshTokenParametersDto> {
  readonly grantType = 'refresh_token';
  readonly parameters = RefreshTokenParametersDto;
  readonly isPublicClientAllowed = true;
  readonly usesRedirectUri = false;
  readonly isSelfRegistrable = true;
  readonly isEnabled = true;

  constructor(
    private readonly refreshTokens: RefreshTokensService,
    private readonly redemption: RedemptionService,
    private readonly issuer: TokenIssuer,
    private readonly resources: RequestedResources,
  ) {}

  async handle(client: ClientEntity, parameters: RefreshTokenParametersDto): Promise<TokenResponseDto> {
    return this.redemption.redeem(
      (manager) => this.refreshTokens.redeem(manager, parameters.refresh_token, client.clientId),
      'The refresh token is invalid, expired or revoked',
      async (manager, record) => {
        // RFC 6749 §6, RFC 8707 §2: scope and resources may narrow, never widen; throwing rolls the
        // redemption back, so the refresh token stays usable after a bad request.
        const granted = this.resources.grantedOf(record.resources);
        const resources = await this.resources.resolve(client, parameters.resource, granted);
        const scope = this.resources.scopeFor(resources, record.scope, parameters.scope);
        return this.issuer.issueTokenPair(manager, {
          clientId: client.clientId,
          userId: record.userId,
          grantId: record.grantId,
          scope,
          resources,
          // RFC 6749 §6: the new refresh token keeps the original grant's scope and resources.
          refreshScope: record.scope,
          refreshResources: granted,
          // ASVS 10.4.8: rotation does not extend the family's absolute lifetime.
          refreshExpiresAt: record.expiresAt,
          hasRefreshToken: true,
          // OpenID Connect Core §12.2: same sub and auth_time as the original sign-in, no nonce.
          authentication: record.authTime ? { authTime: record.authTime, sid: record.sid } : null,
        });
      },
      'refresh_token.reuse_detected',
    );
  }
}
