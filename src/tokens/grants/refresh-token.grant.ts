import { Injectable } from '@nestjs/common';
import type { ClientEntity } from '../../clients/client.entity';
import { OAuthError } from '../../common/oauth/oauth.error';
import { TokenResponseDto } from '../dto/token-response.dto';
import { GrantRevocationService } from '../grant-revocation.service';
import { RefreshTokensService } from '../refresh-tokens.service';
import { TokenIssuer } from '../token-issuer.service';
import { TransactionsService } from '../transactions.service';
import { Grant, TokenRequest } from './grant.interface';
import { resolveRequestedScope } from './requested-scope';

/** RFC 6749 §6 with rotation: every refresh token is single use (RFC 9700 §4.14.2). */
@Injectable()
export class RefreshTokenGrant implements Grant {
  readonly grantType = 'refresh_token';
  readonly requiredParameters = ['refreshToken'] as const;
  readonly isPublicClientAllowed = true;
  readonly isEnabled = true;

  constructor(
    private readonly refreshTokens: RefreshTokensService,
    private readonly revocation: GrantRevocationService,
    private readonly issuer: TokenIssuer,
    private readonly transactions: TransactionsService,
  ) {}

  async handle(client: ClientEntity, request: TokenRequest): Promise<TokenResponseDto> {
    const response = await this.transactions.transaction(async (manager) => {
      const redemption = await this.refreshTokens.redeem(manager, request.refreshToken as string, client.clientId);
      if (redemption.status === 'replayed') {
        // RFC 9700 §4.14.2: a used refresh token presented again revokes the whole family.
        await this.revocation.revokeGrant(manager, redemption.grantId);
        return undefined;
      }
      if (redemption.status === 'invalid') return undefined;
      const { record } = redemption;
      // RFC 6749 §6: the scope may narrow, never widen; throwing rolls the redemption back.
      const scope = request.scope === undefined ? record.scope : resolveRequestedScope(request.scope, record.scope);
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
    });
    if (!response) throw OAuthError.invalidGrant('The refresh token is invalid, expired or revoked');
    return response;
  }
}
