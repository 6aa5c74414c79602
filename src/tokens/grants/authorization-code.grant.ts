import { Injectable } from '@nestjs/common';
import type { ClientEntity } from '../../clients/client.entity';
import { isRegisteredRedirectUri } from '../../clients/redirect-uri';
import { OAuthError } from '../../common/oauth/oauth.error';
import { OptionalParameter, RequiredParameter } from '../../common/oauth/parameter.decorators';
import { checkCodeVerifier, isWellFormedCodeVerifier } from '../../common/oauth/pkce';
import { AuthorizationCodesService } from '../authorization-codes.service';
import { TokenResponseDto } from '../dto/token-response.dto';
import { RedemptionService } from '../redemption.service';
import { TokenIssuer } from '../token-issuer.service';
import { Grant } from './grant.interface';

/** RFC 6749 §4.1.3 and RFC 7636 §4.5. */
export class AuthorizationCodeParametersDto {
  @RequiredParameter(4096)
  code: string;

  @OptionalParameter(2000)
  redirect_uri?: string;

  @OptionalParameter(128)
  code_verifier?: string;
}

/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5–4.6): exchanges an authorization code for tokens. */
@Injectable()
export class AuthorizationCodeGrant implements Grant<AuthorizationCodeParametersDto> {
  readonly grantType = 'authorization_code';
  readonly parameters = AuthorizationCodeParametersDto;
  readonly isPublicClientAllowed = true;
  readonly usesRedirectUri = true;
  readonly isEnabled = true;

  constructor(
    private readonly codes: AuthorizationCodesService,
    private readonly redemption: RedemptionService,
    private readonly issuer: TokenIssuer,
  ) {}

  async handle(client: ClientEntity, parameters: AuthorizationCodeParametersDto): Promise<TokenResponseDto> {
    const { code, redirect_uri: redirectUri, code_verifier: codeVerifier } = parameters;
    // RFC 7636 §4.1: code-verifier = 43*128unreserved; checked before the code is touched.
    if (codeVerifier !== undefined && !isWellFormedCodeVerifier(codeVerifier)) {
      throw OAuthError.invalidRequest('code_verifier must be 43 to 128 unreserved characters');
    }
    return this.redemption.redeem(
      (manager) => this.codes.consume(manager, code, client.clientId),
      'The authorization code is invalid, expired or already used',
      async (manager, record) => {
        // The code stays spent when a check fails, so a verifier cannot be guessed (RFC 6749 §10.5).
        const problem =
          this.checkRedirectUri(client, record.redirectUri, redirectUri) ??
          checkCodeVerifier(client, record, codeVerifier);
        if (problem) return problem;
        return this.issuer.issueTokenPair(manager, {
          clientId: client.clientId,
          userId: record.userId,
          grantId: record.grantId,
          scope: record.scope,
          hasRefreshToken: client.grantTypes.includes('refresh_token'),
        });
      },
    );
  }

  private checkRedirectUri(
    client: ClientEntity,
    bound: string | null,
    presented: string | undefined,
  ): OAuthError | undefined {
    if (bound !== null) {
      // RFC 6749 §4.1.3: required, and identical, if it was included in the authorization request.
      if (presented === undefined) {
        return OAuthError.invalidRequest('redirect_uri is required: it was sent in the authorization request');
      }
      return presented === bound ? undefined : OAuthError.invalidGrant('redirect_uri does not match');
    }
    if (presented !== undefined && !isRegisteredRedirectUri(presented, client.redirectUris)) {
      return OAuthError.invalidGrant('redirect_uri does not match');
    }
    return undefined;
  }
}
