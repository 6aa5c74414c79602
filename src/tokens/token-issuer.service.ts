import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { parseScope } from '../common/oauth/scopes';
import { AccessTokenSigner } from './access-token-signer.service';
import { TokenResponseDto } from './dto/token-response.dto';
import { EndUserAuthentication, IdTokenService, OPENID_SCOPE } from './id-token.service';
import { RefreshTokensService } from './refresh-tokens.service';
import { TransactionsService } from '../database/transactions.service';

export interface TokenPairInput {
  clientId: string;
  userId: string | null;
  /** The token family the tokens belong to. */
  grantId: string;
  /** The access token's scope. */
  scope: string;
  /** RFC 8707: the resources the access token is for (its `aud`). */
  resources: readonly string[];
  /** The refresh token's resources when they differ from the access token's (the grant's, when narrowed). */
  refreshResources?: readonly string[];
  /** The refresh token's scope when it differs from the access token's (RFC 6749 §6: a narrowed refresh). */
  refreshScope?: string;
  /** When rotating: the family's absolute expiry, which the new refresh token keeps (ASVS 10.4.8). */
  refreshExpiresAt?: Date;
  /** False when the client is not registered for the refresh_token grant. */
  hasRefreshToken: boolean;
  /**
   * OpenID Connect: the user's sign-in behind an authorization-code grant (kept with its refresh
   * tokens). With `openid` in the grant's scope, the response carries an ID token (Core §3.1.3.3, §12.2).
   */
  authentication?: EndUserAuthentication | null;
}

/** Builds token responses (RFC 6749 §5.1); the records are stored in the caller's transaction. */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly accessTokens: AccessTokenSigner,
    private readonly refreshTokens: RefreshTokensService,
    private readonly transactions: TransactionsService,
    private readonly idTokens: IdTokenService,
  ) {}

  /** Starts a new token family and stores its first tokens atomically. */
  issueNewGrant(input: TokenPairInput): Promise<TokenResponseDto> {
    return this.transactions.transaction((manager) => this.issueTokenPair(manager, input));
  }

  /** An access token of no family, for the client itself (RFC 6749 §4.4.3: no refresh token). */
  async issueClientAccessToken(
    clientId: string,
    scope: string,
    resources: readonly string[],
  ): Promise<TokenResponseDto> {
    const issued = await this.accessTokens.issue({ clientId, userId: null, grantId: null, scope, audience: resources });
    return { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn, scope };
  }

  /** An access token and, if the client may refresh, a refresh token of the same family. */
  async issueTokenPair(manager: EntityManager, input: TokenPairInput): Promise<TokenResponseDto> {
    const response = await this.issueAccessToken(manager, input);
    if (input.hasRefreshToken) {
      response.refresh_token = await this.refreshTokens.create(manager, {
        grantId: input.grantId,
        clientId: input.clientId,
        userId: input.userId,
        scope: input.refreshScope ?? input.scope,
        resources: input.refreshResources ?? input.resources,
        expiresAt: input.refreshExpiresAt,
        authTime: input.authentication?.authTime ?? null,
        sid: input.authentication?.sid ?? null,
      });
    }
    const grantScope = parseScope(input.refreshScope ?? input.scope) ?? [];
    if (input.authentication && input.userId !== null && grantScope.includes(OPENID_SCOPE)) {
      response.id_token = this.idTokens.issue({
        clientId: input.clientId,
        userId: input.userId,
        authentication: input.authentication,
        accessToken: response.access_token,
      });
    }
    return response;
  }

  async issueAccessToken(
    manager: EntityManager,
    input: {
      clientId: string;
      userId: string | null;
      grantId: string | null;
      scope: string;
      resources: readonly string[];
    },
  ): Promise<TokenResponseDto> {
    const issued = await this.accessTokens.issue(
      {
        clientId: input.clientId,
        userId: input.userId,
        scope: input.scope,
        grantId: input.grantId,
        audience: input.resources,
      },
      manager,
    );
    return { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn, scope: input.scope };
  }
}
