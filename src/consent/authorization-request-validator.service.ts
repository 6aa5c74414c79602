import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ClientsService } from '../clients/clients.service';
import { ScopeCatalog } from '../common/oauth/scope-catalog';
import { oauthConfig } from '../config/oauth.config';
import { AuthorizationRequestCheck, checkAuthorizationRequest } from './authorization-request.validation';

/** Checks authorization requests against the registered clients and the enabled grants. */
@Injectable()
export class AuthorizationRequestValidator {
  constructor(
    private readonly clients: ClientsService,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    private readonly scopes: ScopeCatalog,
  ) {}

  check(params: Record<string, unknown>): Promise<AuthorizationRequestCheck> {
    return checkAuthorizationRequest(params, {
      findClient: (clientId) => this.clients.findById(clientId),
      isImplicitGrantEnabled: this.oauth.allowImplicitGrant,
      isKnownScope: (scope) => this.scopes.isKnown(scope),
    });
  }
}
