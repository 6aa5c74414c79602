import { Injectable } from '@nestjs/common';
import { ClientAuthenticationRequest, ClientAuthenticationService } from '../clients/client-authentication.service';
import type { AuditEventInput } from '../audit/audit-events';
import { AuditService } from '../audit/audit.service';
import { OAuthError } from '../common/oauth/oauth.error';
import { AccessTokenStore } from './access-token-store.service';
import { AccessTokenVerifier } from './access-token-verifier.service';
import { RevocationRequestDto } from './dto/revocation-request.dto';
import { GrantRevocationService } from './grant-revocation.service';
import { RefreshTokensService } from './refresh-tokens.service';
import { looksLikeAccessToken } from './token-kind';
import { TransactionsService } from '../database/transactions.service';

/** RFC 7009: a client revokes one of its own tokens. */
@Injectable()
export class RevocationService {
  constructor(
    private readonly clientAuthentication: ClientAuthenticationService,
    private readonly verifier: AccessTokenVerifier,
    private readonly accessTokens: AccessTokenStore,
    private readonly refreshTokens: RefreshTokensService,
    private readonly grantRevocation: GrantRevocationService,
    private readonly transactions: TransactionsService,
    private readonly audit: AuditService,
  ) {}

  /** Resolves when the token is revoked or was never valid (RFC 7009 §2.2: both answer 200). */
  async revoke(dto: RevocationRequestDto, credentials: ClientAuthenticationRequest): Promise<void> {
    const client = await this.clientAuthentication.authenticate(credentials, { isPublicClientAllowed: true });
    // RFC 7009 §2.1: token_type_hint may be ignored; the token's shape tells the kinds apart.
    if (looksLikeAccessToken(dto.token)) await this.revokeAccessToken(dto.token, client.clientId, credentials);
    else await this.revokeRefreshToken(dto.token, client.clientId, credentials);
  }

  private async revokeAccessToken(
    token: string,
    clientId: string,
    credentials: ClientAuthenticationRequest,
  ): Promise<void> {
    const claims = await this.verifier.verify(token);
    if (!claims) return;
    const record = await this.accessTokens.findRecord(claims.jti);
    if (!record) return;
    this.checkOwner(record.clientId, clientId);
    await this.transactions.transaction(async (manager) => {
      await this.accessTokens.revoke(claims.jti, manager);
      // The token's id, never the token.
      await this.audit.record(
        revokedEvent(clientId, record.userId, credentials, { token_type: 'access_token', jti: claims.jti }),
        manager,
      );
    });
  }

  private async revokeRefreshToken(
    token: string,
    clientId: string,
    credentials: ClientAuthenticationRequest,
  ): Promise<void> {
    const record = await this.refreshTokens.findByToken(token);
    if (!record) return;
    this.checkOwner(record.clientId, clientId);
    // RFC 7009 §2.1: revoking a refresh token also revokes the access tokens of the same grant.
    await this.transactions.transaction(async (manager) => {
      await this.grantRevocation.revokeGrant(manager, record.grantId);
      await this.audit.record(
        revokedEvent(clientId, record.userId, credentials, { token_type: 'refresh_token', grant_id: record.grantId }),
        manager,
      );
    });
  }

  /** RFC 7009 §2.1: a client may revoke only tokens issued to it (SECURITY-CASES P5: 400 invalid_request). */
  private checkOwner(ownerId: string, clientId: string): void {
    if (ownerId !== clientId) throw OAuthError.invalidRequest('The token was not issued to this client');
  }
}

/** The `token.revoked` audit event: the token's id or grant, never the token. */
function revokedEvent(
  clientId: string,
  userId: string | null,
  credentials: ClientAuthenticationRequest,
  details: Record<string, string>,
): AuditEventInput {
  return {
    type: 'token.revoked',
    actor: `client:${clientId}`,
    subject: userId ? `user:${userId}` : `client:${clientId}`,
    clientId,
    ip: credentials.remoteAddress,
    details,
  };
}
