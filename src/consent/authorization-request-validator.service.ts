import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ClientResolver } from '../clients/client-resolver.service';
import { ResourceCatalog } from '../resources/resource-catalog';
import { resolveResourceIndicators } from '../resources/resource-indicators';
import { oauthConfig } from '../config/oauth.config';
import { AuthorizationRequestCheck, checkAuthorizationRequest } from './authorization-request.validation';

/** Checks authorization requests against the registered clients and the enabled grants. */
@Injectable()
export class AuthorizationRequestValidator {
  constructor(
    private readonly clients: ClientResolver,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    private readonly catalog: ResourceCatalog,
  ) {}

  check(params: Record<string, unknown>): Promise<AuthorizationRequestCheck> {
    return checkAuthorizationRequest(params, {
      findClient: (clientId) => this.clients.resolve(clientId),
      isImplicitGrantEnabled: this.oauth.allowImplicitGrant,
      resolveResources: (client, requested) => resolveResourceIndicators(this.catalog, client, requested),
      scopesOf: (resources) => this.catalog.scopesOf(resources),
      withServerResource: (resources, scopes) => this.catalog.withServerResource(resources, scopes),
    });
  }
}
