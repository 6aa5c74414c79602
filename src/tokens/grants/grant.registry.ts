import { Inject, Injectable } from '@nestjs/common';
import type { GrantType } from '../../clients/client.entity';
import { OAuthError } from '../../common/oauth/oauth.error';
import { Grant, GRANTS } from './grant.interface';

/** The enabled grants, keyed by `grant_type`; built once at boot. */
@Injectable()
export class GrantRegistry {
  private readonly grants: ReadonlyMap<string, Grant>;

  constructor(@Inject(GRANTS) grants: readonly Grant[]) {
    this.grants = new Map(grants.filter((grant) => grant.isEnabled).map((grant) => [grant.grantType, grant]));
  }

  /** The grant answering to `grantType`; RFC 6749 §5.2: anything else is unsupported_grant_type. */
  get(grantType: string): Grant {
    const grant = this.grants.get(grantType);
    if (!grant) throw new OAuthError('unsupported_grant_type', 'The grant type is not supported');
    return grant;
  }

  /** The grant types the token endpoint accepts, for metadata. */
  get grantTypes(): GrantType[] {
    return [...this.grants.keys()] as GrantType[];
  }
}
