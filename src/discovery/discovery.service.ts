import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ClientAuthMethodRegistry } from '../clients/auth-methods/client-auth-method.registry';
import { CODE_CHALLENGE_METHODS } from '../common/oauth/pkce';
import { ResourceCatalog } from '../resources/resource-catalog';
import { oauthConfig } from '../config/oauth.config';
import { registrationConfig } from '../config/registration.config';
import { GrantRegistry } from '../tokens/grants/grant.registry';
import { SIGNING_ALGORITHM } from '../tokens/keys/keys.service';
import { PROMPT_VALUES } from '../consent/authorization-request.validation';
import { CLAIMS_SUPPORTED } from '../oidc/claims';

/** RFC 8414 §2 authorization server metadata. */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  introspection_endpoint: string;
  revocation_endpoint: string;
  device_authorization_endpoint: string;
  /** RFC 7591 §3: present unless REGISTRATION=off. */
  registration_endpoint?: string;
  scopes_supported: string[];
  response_types_supported: string[];
  response_modes_supported: string[];
  grant_types_supported: string[];
  code_challenge_methods_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  introspection_endpoint_auth_methods_supported: string[];
  revocation_endpoint_auth_methods_supported: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  introspection_endpoint_auth_signing_alg_values_supported?: string[];
  revocation_endpoint_auth_signing_alg_values_supported?: string[];
  authorization_response_iss_parameter_supported: boolean;
  service_documentation: string;
  /** draft-ietf-oauth-client-id-metadata-document §5. */
  client_id_metadata_document_supported?: boolean;
}

/** OpenID Connect Discovery 1.0 §3: the RFC 8414 document plus the OpenID Provider fields. */
export interface OpenIdProviderMetadata extends AuthorizationServerMetadata {
  userinfo_endpoint: string;
  end_session_endpoint: string;
  id_token_signing_alg_values_supported: string[];
  subject_types_supported: string[];
  claims_supported: string[];
  prompt_values_supported: string[];
  claims_parameter_supported: boolean;
  request_parameter_supported: boolean;
  request_uri_parameter_supported: boolean;
}

/** The OpenID Provider fields alone. */
type OpenIdFields = Omit<OpenIdProviderMetadata, keyof AuthorizationServerMetadata>;

function signingAlgorithmFields(algorithms: string[]): Partial<AuthorizationServerMetadata> {
  if (algorithms.length === 0) return {};
  return {
    token_endpoint_auth_signing_alg_values_supported: algorithms,
    introspection_endpoint_auth_signing_alg_values_supported: algorithms,
    revocation_endpoint_auth_signing_alg_values_supported: algorithms,
  };
}

/**
 * Builds the metadata document once, from configuration only (never from request headers); only
 * `scopes_supported` follows the resource catalog, which `resources:create` extends at run time.
 */
@Injectable()
export class DiscoveryService {
  private readonly document: Readonly<AuthorizationServerMetadata>;
  private readonly openIdFields: Readonly<OpenIdFields>;

  constructor(
    @Inject(oauthConfig.KEY) oauth: ConfigType<typeof oauthConfig>,
    grants: GrantRegistry,
    authMethods: ClientAuthMethodRegistry,
    private readonly scopes: ResourceCatalog,
    @Inject(registrationConfig.KEY) registration: ConfigType<typeof registrationConfig>,
  ) {
    const base = oauth.baseUrl;
    this.document = Object.freeze({
      // RFC 8414 §3.3: identical to the issuer identifier that tokens carry.
      issuer: oauth.issuer,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      jwks_uri: `${base}/oauth/jwks`,
      introspection_endpoint: `${base}/oauth/introspect`,
      revocation_endpoint: `${base}/oauth/revoke`,
      // RFC 8628 §4.
      device_authorization_endpoint: `${base}/oauth/device_authorization`,
      ...(registration.policy === 'off' ? {} : { registration_endpoint: `${base}/oauth/register` }),
      scopes_supported: scopes.scopes,
      // RFC 9700 §2.1.2: `token` (implicit) only when the operator enabled it.
      response_types_supported: oauth.allowImplicitGrant ? ['code', 'token'] : ['code'],
      response_modes_supported: oauth.allowImplicitGrant ? ['query', 'fragment'] : ['query'],
      grant_types_supported: grants.grantTypes,
      // RFC 9700 §2.1.1: S256 only, plain is refused.
      code_challenge_methods_supported: [...CODE_CHALLENGE_METHODS],
      token_endpoint_auth_methods_supported: authMethods.names,
      // RFC 7662 §2.1: introspection is for clients that can prove who they are.
      introspection_endpoint_auth_methods_supported: authMethods.credentialNames,
      revocation_endpoint_auth_methods_supported: authMethods.names,
      // RFC 8414 §2: the JWS algorithms of assertion-based methods (private_key_jwt), when there are any.
      ...signingAlgorithmFields(authMethods.signingAlgorithms),
      // RFC 9207 §3: every authorization response carries `iss`.
      authorization_response_iss_parameter_supported: true,
      service_documentation: `${base}/docs`,
      ...(registration.areMetadataDocumentsEnabled ? { client_id_metadata_document_supported: true } : {}),
    });
    this.openIdFields = Object.freeze({
      // OpenID Connect Core §5.3; the endpoint is also the resource its access tokens name.
      userinfo_endpoint: oauth.userinfoResource,
      // RP-Initiated Logout 1.0 §2.1.
      end_session_endpoint: `${base}/oauth/logout`,
      // Core §2: ID tokens are signed with the access-token keys (one JWKS).
      id_token_signing_alg_values_supported: [SIGNING_ALGORITHM],
      subject_types_supported: ['public'],
      claims_supported: [...CLAIMS_SUPPORTED],
      prompt_values_supported: [...PROMPT_VALUES],
      // Discovery §3: request_uri_parameter_supported defaults to true, so each "no" is said.
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
    });
  }

  get metadata(): Readonly<AuthorizationServerMetadata> {
    return { ...this.document, scopes_supported: this.scopes.scopes };
  }

  /** OpenID Connect Discovery §3: the same document (one builder) plus the OpenID Provider fields. */
  get openIdConfiguration(): Readonly<OpenIdProviderMetadata> {
    return { ...this.metadata, ...this.openIdFields };
  }
}
