import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ClientAuthMethodRegistry } from '../clients/auth-methods/client-auth-method.registry';
import { ClientAuthenticationRequest, ClientAuthenticationService } from '../clients/client-authentication.service';
import { OAuthError } from '../common/oauth/oauth.error';
import { readParameter, refuseStructuredParameters } from '../common/oauth/parameters';
import { validateOAuthParameters } from '../common/pipes/oauth-validation.pipe';
import { Throttle, throttleKey } from '../common/throttling/throttle.service';
import { limitsConfig } from '../config/limits.config';
import { TokenResponseDto } from './dto/token-response.dto';
import { GrantRegistry } from './grants/grant.registry';

/**
 * The token endpoint (RFC 6749 §3.2) in named steps: pick the grant by `grant_type`, validate the
 * parameters that grant reads (and only those), authenticate the client, check the client may use
 * the grant, let the grant answer.
 */
@Injectable()
export class TokenService {
  /** Every parameter the endpoint reads for some grant or client-authentication method. */
  private readonly knownParameters: ReadonlySet<string>;

  constructor(
    private readonly grants: GrantRegistry,
    private readonly clientAuthentication: ClientAuthenticationService,
    private readonly throttle: Throttle,
    @Inject(limitsConfig.KEY) private readonly limits: ConfigType<typeof limitsConfig>,
    authMethods: ClientAuthMethodRegistry,
  ) {
    this.knownParameters = new Set(['grant_type', ...grants.parameterNames, ...authMethods.parameterNames]);
  }

  /** The token response, and the grant type that answered (for metrics). */
  async exchange(request: ClientAuthenticationRequest): Promise<{ response: TokenResponseDto; grantType: string }> {
    refuseStructuredParameters(request.parameters, this.knownParameters);
    const grantType = readParameter(request.parameters, 'grant_type', 100);
    // RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6: grant_type is REQUIRED in every token request.
    if (grantType === undefined) throw OAuthError.invalidRequest('grant_type is required');
    const grant = this.grants.get(grantType);
    const parameters = await validateOAuthParameters(grant.parameters, request.parameters);

    const client = await this.clientAuthentication.authenticate(request, {
      isPublicClientAllowed: grant.isPublicClientAllowed,
    });
    // RFC 6819 §5.1.5.12 (limit token requests): a per-client budget, shared by every instance.
    this.throttle.throwIfOverRate(
      throttleKey('token', 'client', client.clientId),
      this.limits.tokenRequestsPerMinute,
      60,
      'Too many token requests for this client',
    );
    // RFC 6749 §5.2: the client is not authorized to use this grant type.
    if (!client.grantTypes.includes(grant.grantType)) {
      throw new OAuthError('unauthorized_client', 'The client is not registered for this grant type');
    }
    const response = await grant.handle(client, parameters, { remoteAddress: request.remoteAddress });
    return { response, grantType: grant.grantType };
  }
}
