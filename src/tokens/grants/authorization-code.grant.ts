import { Injectable } from '@nestjs/common';
import type { ClientEntity } from '../../clients/client.entity';
import { isRegisteredRedirectUri } from '../../clients/redirect-uri';
import { OAuthError } from '../../common/oauth/oauth.error';
import type { AuthorizationCodeEntity } from '../authorization-code.entity';
import { AuthorizationCodesService } from '../authorization-codes.service';
import { TokenResponseDto } from '../dto/token-response.dto';
import { GrantRevocationService } from '../grant-revocation.service';
import { TokenIssuer } from '../token-issuer.service';
import { TransactionsService } from '../transactions.service';
import { Grant, TokenRequest } from './grant.interface';
import { isWellFormedCodeVerifier, verifyPkce } from './pkce';

type Outcome = { response: TokenResponseDto } | { error: OAuthError };

const INVALID_CODE = 'The authorization code is invalid, expired or already used';

/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5–4.6): exchanges an authorization code for tokens. */
@Injectable()
export class AuthorizationCodeGrant implements Grant {
  readonly grantType = 'authorization_code';
  readonly requiredParameters = ['code'] as const;
  readonly isPublicClientAllowed = true;
  readonly isEnabled = true;

  constructor(
    private readonly codes: AuthorizationCodesService,
    private readonly revocation: GrantRevocationService,
    private readonly issuer: TokenIssuer,
    private readonly transactions: TransactionsService,
  ) {}

  async handle(client: ClientEntity, request: TokenRequest): Promise<TokenResponseDto> {
    // RFC 7636 §4.1: code-verifier = 43*128unreserved; checked before the code is touched.
    if (request.codeVerifier !== undefined && !isWellFormedCodeVerifier(request.codeVerifier)) {
      throw OAuthError.invalidRequest('code_verifier must be 43 to 128 unreserved characters');
    }
    const outcome = await this.transactions.transaction(async (manager): Promise<Outcome> => {
      const redemption = await this.codes.consume(manager, request.code as string, client.clientId);
      if (redemption.status === 'replayed') {
        // RFC 6749 §4.1.2, §10.5: a reused code revokes every token issued from it.
        await this.revocation.revokeGrant(manager, redemption.grantId);
        return { error: OAuthError.invalidGrant(INVALID_CODE) };
      }
      if (redemption.status === 'invalid') return { error: OAuthError.invalidGrant(INVALID_CODE) };
      const { record } = redemption;
      // The code stays consumed when a check fails, so a verifier cannot be guessed (RFC 6749 §10.5).
      const problem = this.checkRedirectUri(client, record, request) ?? this.checkPkce(client, record, request);
      if (problem) return { error: problem };
      const response = await this.issuer.issueTokenPair(manager, {
        clientId: client.clientId,
        userId: record.userId,
        grantId: record.grantId,
        scope: record.scope,
        hasRefreshToken: client.grantTypes.includes('refresh_token'),
      });
      return { response };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.response;
  }

  private checkRedirectUri(
    client: ClientEntity,
    record: AuthorizationCodeEntity,
    request: TokenRequest,
  ): OAuthError | undefined {
    if (record.redirectUri !== null) {
      // RFC 6749 §4.1.3: required, and identical, if it was included in the authorization request.
      if (request.redirectUri === undefined) {
        return OAuthError.invalidRequest('redirect_uri is required: it was sent in the authorization request');
      }
      if (request.redirectUri !== record.redirectUri) return OAuthError.invalidGrant('redirect_uri does not match');
      return undefined;
    }
    if (request.redirectUri !== undefined && !isRegisteredRedirectUri(request.redirectUri, client.redirectUris)) {
      return OAuthError.invalidGrant('redirect_uri does not match');
    }
    return undefined;
  }

  private checkPkce(
    client: ClientEntity,
    record: AuthorizationCodeEntity,
    request: TokenRequest,
  ): OAuthError | undefined {
    if (record.codeChallenge === null) {
      // RFC 9700 §2.1.1: PKCE for every client unless an operator exempted a confidential one.
      if (client.isPublic || !client.isPkceExempt) return OAuthError.invalidGrant('The code was issued without PKCE');
      // RFC 9700 §4.8.2: a verifier for a code without a challenge is a downgrade attempt.
      if (request.codeVerifier !== undefined) return OAuthError.invalidGrant('The code was issued without PKCE');
      return undefined;
    }
    // RFC 7636 §4.2: only S256 is offered; plain is refused (RFC 9700 §2.1.1).
    if (record.codeChallengeMethod !== 'S256') return OAuthError.invalidGrant('Unsupported code challenge method');
    if (request.codeVerifier === undefined) return OAuthError.invalidGrant('code_verifier is required');
    // RFC 7636 §4.6: compare BASE64URL(SHA256(code_verifier)) with the stored challenge.
    if (!verifyPkce(request.codeVerifier, record.codeChallenge)) {
      return OAuthError.invalidGrant('code_verifier does not match the code challenge');
    }
    return undefined;
  }
}
