import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { OAuthError } from '../../common/oauth/oauth.error';
import { declaredParameters } from '../../common/pipes/oauth-validation.pipe';
import { oauthConfig } from '../../config/oauth.config';
import { Grant, GrantTypeDescriptor, GRANTS } from './grant.interface';

/**
 * The one list of grant types: the token endpoint's grants, plus the implicit grant, which the
 * authorization endpoint serves itself (RFC 6749 §4.2; off unless ALLOW_IMPLICIT_GRANT, RFC 9700 §2.1.2).
 * Metadata, client registration and the token endpoint all read it.
 */
@Injectable()
export class GrantRegistry {
  private readonly grants: ReadonlyMap<string, Grant>;
  private readonly descriptors: readonly GrantTypeDescriptor[];

  constructor(
    @Inject(GRANTS) grants: readonly Grant[],
    @Inject(oauthConfig.KEY) oauth: Pick<ConfigType<typeof oauthConfig>, 'allowImplicitGrant'>,
  ) {
    this.grants = new Map(grants.filter((grant) => grant.isEnabled).map((grant) => [grant.grantType, grant]));
    const implicit: GrantTypeDescriptor = {
      grantType: 'implicit',
      isPublicClientAllowed: true,
      usesRedirectUri: true,
      isEnabled: oauth.allowImplicitGrant,
    };
    this.descriptors = [...grants, implicit];
  }

  /** Every parameter some enabled grant reads. */
  get parameterNames(): string[] {
    return [...new Set([...this.grants.values()].flatMap((grant) => declaredParameters(grant.parameters)))];
  }

  /** The enabled grant answering to `grantType`; RFC 6749 §5.2: anything else is unsupported_grant_type. */
  get(grantType: string): Grant {
    const grant = this.grants.get(grantType);
    if (!grant) throw new OAuthError('unsupported_grant_type', 'The grant type is not supported');
    return grant;
  }

  /** The enabled grant types, for metadata (RFC 8414 `grant_types_supported`). */
  get grantTypes(): string[] {
    return this.descriptors.filter((grant) => grant.isEnabled).map((grant) => grant.grantType);
  }

  /** Every grant type a client may be registered for, enabled or not (an operator may enable it later). */
  get registrableGrantTypes(): string[] {
    return this.descriptors.map((grant) => grant.grantType);
  }

  /** The rules of a grant type, enabled or not; undefined for one the server does not know. */
  describe(grantType: string): GrantTypeDescriptor | undefined {
    return this.descriptors.find((grant) => grant.grantType === grantType);
  }
}
