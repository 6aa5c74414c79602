import { timeOrderedId } from '../common/crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { isDatabaseUnavailable } from '../common/database-errors';
import type { OAuthErrorCode } from '../common/oauth/oauth.error';
import { toWireText } from '../common/oauth/error-body';
import { oauthConfig } from '../config/oauth.config';
import { AccessTokenSigner } from '../tokens/access-token-signer.service';
import { AuthorizationCodesService } from '../tokens/authorization-codes.service';
import { DeviceCodesService } from '../tokens/device/device-codes.service';
import type { RedirectTarget, ResponseType } from './authorization-request.validation';
import { buildAuthorizationResponseUrl } from './authorization-response';

/** What an approved request grants, whether it comes from the query or from a stored request. */
export interface ApprovedAuthorization extends RedirectTarget {
  clientId: string;
  userId: string;
  responseType: ResponseType;
  requestedRedirectUri: string | null;
  scopes: readonly string[];
  /** RFC 8707; empty for a request stored before resources were recorded: the default resource. */
  resources: readonly string[];
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  /** OpenID Connect: the sign-in this approval rests on (`auth_time`, `sid`) and the request's nonce. */
  authTime?: Date | null;
  sid?: string | null;
  nonce?: string | null;
  /** Set when the request comes from a device (RFC 8628): the answer is stored for its polls. */
  deviceAuthorizationId?: string | null;
}

/** Issues what an approved authorization request asked for and builds the redirects back to the client. */
@Injectable()
export class AuthorizationIssuerService {
  constructor(
    private readonly codes: AuthorizationCodesService,
    private readonly accessTokens: AccessTokenSigner,
    private readonly deviceCodes: DeviceCodesService,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
  ) {}

  /** RFC 6749 §4.1.2 (code in the query) or §4.2.2 (access token in the fragment), with iss (RFC 9207). */
  async issue(approved: ApprovedAuthorization): Promise<string> {
    if (approved.deviceAuthorizationId) return this.answerDevice(approved, approved.deviceAuthorizationId, true);
    const scope = approved.scopes.join(' ');
    const resources = approved.resources.length > 0 ? approved.resources : [this.oauth.resourceAudience];
    if (approved.responseType === 'token') {
      // RFC 6749 §4.2.2: the implicit grant never returns a refresh token.
      const token = await this.accessTokens.issue({
        clientId: approved.clientId,
        userId: approved.userId,
        scope,
        grantId: timeOrderedId(),
        audience: resources,
      });
      return buildAuthorizationResponseUrl(approved, {
        access_token: token.accessToken,
        token_type: 'Bearer',
        expires_in: token.expiresIn,
        scope,
        state: approved.state,
        iss: this.oauth.issuer,
      });
    }
    const code = await this.codes.create({
      clientId: approved.clientId,
      userId: approved.userId,
      redirectUri: approved.requestedRedirectUri,
      scope,
      resources,
      codeChallenge: approved.codeChallenge,
      codeChallengeMethod: approved.codeChallengeMethod,
      nonce: approved.nonce,
      authTime: approved.authTime,
      sid: approved.sid,
    });
    return buildAuthorizationResponseUrl(approved, { code, state: approved.state, iss: this.oauth.issuer });
  }

  /** The user said no: access_denied to the client (RFC 6749 §4.1.2.1), or stored for the device's polls. */
  async deny(approved: ApprovedAuthorization): Promise<string> {
    if (approved.deviceAuthorizationId) return this.answerDevice(approved, approved.deviceAuthorizationId, false);
    return this.errorRedirect(approved, 'access_denied', 'The user denied the request.');
  }

  /**
   * RFC 8628 §3.3: the answer is stored, the device reads it at its next poll (§3.5), and the user
   * is sent to this server's result page (the request's redirect target).
   */
  private async answerDevice(approved: ApprovedAuthorization, id: string, isApproved: boolean): Promise<string> {
    if (!(await this.deviceCodes.decide(id, approved.userId, isApproved))) {
      return this.errorRedirect(approved, 'expired_token', 'The code has expired. Start again on your device.');
    }
    return isApproved ? approved.redirectUri : this.errorRedirect(approved, 'access_denied', 'Access denied.');
  }

  /** RFC 6749 §4.1.2.1 / §4.2.2.1 error response, with state and iss (RFC 9207 §2). */
  errorRedirect(target: RedirectTarget, error: OAuthErrorCode, description: string): string {
    return buildAuthorizationResponseUrl(target, {
      error,
      error_description: toWireText(description),
      state: target.state,
      iss: this.oauth.issuer,
    });
  }

  /**
   * RFC 6749 §4.1.2.1: a fault after the redirect URI is trusted is answered there too, as
   * temporarily_unavailable when the database is down (worth a retry), else server_error.
   */
  faultRedirect(target: RedirectTarget, error: unknown): string {
    return isDatabaseUnavailable(error)
      ? this.errorRedirect(target, 'temporarily_unavailable', 'The server is temporarily unavailable; try again.')
      : this.errorRedirect(target, 'server_error', 'The server could not complete the request.');
  }
}
