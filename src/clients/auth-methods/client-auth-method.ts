import type { RawParameters } from '../../common/oauth/parameters';
import type { ClientEntity } from '../client.entity';

/** What an OAuth request offers to authenticate its client (RFC 6749 §2.3). */
export interface ClientAuthenticationRequest {
  /** The raw `Authorization` header, if any. */
  authorization?: string;
  /** The request's form parameters as parsed (unvalidated). */
  parameters: RawParameters;
  /** The caller's address, for throttling failures. */
  remoteAddress: string;
}

/** The client a request claims to be, and the credential to check for it. */
export interface PresentedClient {
  /** Empty when the request uses the method but names no client: invalid_client. */
  clientId: string;
  /** What `verify` checks (a secret, an assertion); absent for `none`. */
  credential?: string;
}

/**
 * One client-authentication method (RFC 7591 §2 `token_endpoint_auth_method`). A method reads its
 * own parameters, says whether the request uses it, and verifies what it read. A new method is one
 * file in this folder and one entry in clients.module.ts.
 */
export interface ClientAuthMethod {
  /** The registered name, as in metadata and `clients:create --auth-method`. */
  readonly name: string;
  /** The form parameters this method reads (e.g. client_id, client_secret). */
  readonly parameters: readonly string[];
  /** False for `none`: the request proves nothing but the client's id (a public client). */
  readonly isCredential: boolean;
  /** Whether clients of this method get a generated client secret at registration. */
  readonly usesClientSecret: boolean;
  /** Whether clients of this method register public keys (`jwks` or `jwks_uri`, RFC 7591 §2). */
  readonly usesClientKeys?: boolean;
  /** The JWS algorithms of the method's assertions (RFC 8414 `*_auth_signing_alg_values_supported`). */
  readonly signingAlgorithms?: readonly string[];
  /** The client the request claims with this method, or undefined if it does not use it; throws invalid_request when malformed. */
  read(request: ClientAuthenticationRequest): PresentedClient | undefined;
  /** Whether the presented credential proves the client's identity (the method already matches). */
  verify(client: ClientEntity, presented: PresentedClient): Promise<boolean>;
}

/** The injection token under which the registry receives every method. */
export const CLIENT_AUTH_METHODS = Symbol('CLIENT_AUTH_METHODS');
