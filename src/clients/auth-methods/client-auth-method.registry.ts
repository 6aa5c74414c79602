import { Inject, Injectable } from '@nestjs/common';
import { OAuthError } from '../../common/oauth/oauth.error';
import { refuseStructuredParameters } from '../../common/oauth/parameters';
import {
  CLIENT_AUTH_METHODS,
  ClientAuthenticationRequest,
  ClientAuthMethod,
  PresentedClient,
} from './client-auth-method';

/** Every client-authentication method, keyed by name; shared by every endpoint that authenticates clients. */
@Injectable()
export class ClientAuthMethodRegistry {
  private readonly methods: ReadonlyMap<string, ClientAuthMethod>;

  constructor(@Inject(CLIENT_AUTH_METHODS) methods: readonly ClientAuthMethod[]) {
    this.methods = new Map(methods.map((method) => [method.name, method]));
    this.parameterSet = new Set(methods.flatMap((method) => method.parameters));
  }

  private readonly parameterSet: ReadonlySet<string>;

  /** Every method's name (RFC 8414 `token_endpoint_auth_methods_supported`). */
  get names(): string[] {
    return [...this.methods.keys()];
  }

  /** The methods that prove a client's identity (for endpoints closed to public clients). */
  get credentialNames(): string[] {
    return [...this.methods.values()].filter((method) => method.isCredential).map((method) => method.name);
  }

  /** The JWS algorithms of every assertion-based method (RFC 8414 `*_auth_signing_alg_values_supported`). */
  get signingAlgorithms(): string[] {
    return [...new Set([...this.methods.values()].flatMap((method) => method.signingAlgorithms ?? []))];
  }

  /** Every form parameter some method reads. */
  get parameterNames(): string[] {
    return [...this.parameterSet];
  }

  find(name: string): ClientAuthMethod | undefined {
    return this.methods.get(name);
  }

  /**
   * The one method the request uses and the client it claims. RFC 6749 §2.3: a client uses exactly
   * one method per request (two credentials are invalid_request); a bare client_id is `none`; no
   * client authentication at all is invalid_client (§5.2).
   */
  read(request: ClientAuthenticationRequest): { method: ClientAuthMethod; presented: PresentedClient } {
    // HY-03 (RFC 6749 §3.1): no `client_id[x]=…` shapes for any parameter a method reads.
    refuseStructuredParameters(request.parameters, this.parameterSet);
    const used: Array<{ method: ClientAuthMethod; presented: PresentedClient }> = [];
    for (const method of this.methods.values()) {
      const presented = method.read(request);
      if (presented) used.push({ method, presented });
    }
    const credentials = used.filter((entry) => entry.method.isCredential);
    if (credentials.length > 1) {
      throw OAuthError.invalidRequest('Use only one client authentication method per request');
    }
    const chosen = credentials[0] ?? used[0];
    if (!chosen || chosen.presented.clientId === '') throw OAuthError.invalidClient();
    return chosen;
  }
}
