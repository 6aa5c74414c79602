import { Injectable } from '@nestjs/common';
import type { ClientEntity } from '../../clients/client.entity';
import { isRegisteredRedirectUri } from '../../clients/redirect-uri';
import { OAuthError } from '../../common/oauth/oauth.error';
import { OptionalParameter, RepeatableParameter, RequiredParameter } from '../../common/oauth/parameter.decorators';
import { checkCodeVerifier, isWellFormedCodeVerifier } from '../../common/oauth/pkce';
import { MAX_RESOURCE_IDENTIFIER_LENGTH } from '../../resources/resource-identifier';
import { MAX_RESOURCES_PER_REQUEST } from '../../resources/resource-indicators';
import { AuthorizationCodesService } from '../authorization-codes.service';
import { TokenResponseDto } from '../dto/token-response.dto';
import { RedemptionService } from '../redemption.service';
import { TokenIssuer } from '../token-issuer.service';
import { Grant } from './grant.interface';
import { RequestedResources } from './requested-resources';

/** RFC 6749 §4.1.3 and RFC 7636 §4.5. */
export class AuthorizationCodeParametersDto {
  @RequiredParameter(4096)
  code: string;

  @OptionalParameter(2000)
  redirect_uri?: string;

  @OptionalParameter(128)
  code_verifier?: string;

  /** RFC 8707 §2: narrows the authorization's resources for this access token. */
  @RepeatableParameter(MAX_RESOURCES_PER_REQUEST, MAX_RESOURCE_IDENTIFIER_LENGTH)
  resource?: string[];
}

/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5–4.6): exchanges an authorization code for tokens. */
@Injectable()
export class AuthorizationCodeGrant implements Grant<AuthorizationCodeParametersDto> {
  readonly grantType = 'authorization_code';
  readonly parameters = AuthorizationCodeParametersDto;
  readonly isPublicClientAllowed = true;
  readonly usesRedirectUri = true;
  readonly isSelfRegistrable = true;
  readonly isEnabled = true;

  constructor(
    private readonly codes: AuthorizationCodesService,
    private readonly redemption: RedemptionService,
    private readonly issuer: TokenIssuer,
    private readonly resources: RequestedResources,
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
        const granted = this.resources.grantedOf(record.resources);
        let resources: string[];
        try {
          resources = await this.resources.resolve(client, parameters.resource, granted);
        } catch (error) {
          // Spent like any other failed check (RFC 6749 §10.5).
          if (error instanceof OAuthError) return error;
          throw error;
        }
        return this.issuer.issueTokenPair(manager, {
          clientId: client.clientId,
          userId: record.userId,
          grantId: record.grantId,
          scope: this.resources.scopeFor(resources, record.scope),
          resources,
          refreshScope: record.scope,
          refreshResources: granted,
          hasRefreshToken: client.grantTypes.includes('refresh_token'),
          authentication: record.authTime ? { authTime: record.authTime, sid: record.sid, nonce: record.nonce } : null,
        });
      },
      'authorization_code.reuse_detected',
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
    // RFC 6749 §4.1.3: a redirect_uri sent now, though omitted before, must still be a registered one.
    if (presented !== undefined && !isRegisteredRedirectUri(presented, client.redirectUris)) {
      return OAuthError.invalidGrant('redirect_uri does not match');
    }
    return undefined;
  }
}
