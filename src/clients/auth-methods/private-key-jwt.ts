import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
// jose, not @nestjs/jwt: jsonwebtoken can neither import a JWK (a client's key set) nor verify EdDSA.
import { decodeJwt, jwtVerify } from 'jose';
import { readParameter } from '../../common/oauth/parameters';
import { oauthConfig } from '../../config/oauth.config';
import { ClientAssertionsService } from '../client-assertions.service';
import { MAX_PRESENTED_CLIENT_ID_LENGTH, type ClientEntity } from '../client.entity';
import { CLIENT_ASSERTION_ALGORITHMS } from '../client-jwks';
import { ClientKeySets } from '../client-key-sets.service';
import type { ClientAuthenticationRequest, ClientAuthMethod, PresentedClient } from './client-auth-method';

/** RFC 7523 §2.2. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** PRODUCT.md: an assertion expires at most 5 minutes after it is presented. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** Longest assertion accepted: a JWT with an RSA-4096 signature is under 2 KB. */
const MAX_ASSERTION_LENGTH = 8000;
const MAX_JTI_LENGTH = 200;

/** The `sub` of an assertion, read without verifying it: only to find the client whose keys verify it. */
function unverifiedSubject(assertion: string): string | undefined {
  try {
    const sub = decodeJwt(assertion).sub;
    return typeof sub === 'string' && sub.length <= MAX_PRESENTED_CLIENT_ID_LENGTH ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * RFC 7523 §2.2 and §3 (with RFC 7521 §4.2): the client proves its identity with a JWT signed by
 * one of its registered keys. Every failure is invalid_client (RFC 7521 §4.2.1) and counts as a
 * failed client authentication.
 */
@Injectable()
export class PrivateKeyJwt implements ClientAuthMethod {
  readonly name = 'private_key_jwt';
  readonly parameters = ['client_id', 'client_assertion_type', 'client_assertion'];
  readonly isCredential = true;
  readonly usesClientSecret = false;
  readonly usesClientKeys = true;
  readonly signingAlgorithms = CLIENT_ASSERTION_ALGORITHMS;

  constructor(
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    private readonly keySets: ClientKeySets,
    private readonly assertions: ClientAssertionsService,
  ) {}

  read({ parameters }: ClientAuthenticationRequest): PresentedClient | undefined {
    const type = readParameter(parameters, 'client_assertion_type', 200);
    const assertion = readParameter(parameters, 'client_assertion', MAX_ASSERTION_LENGTH);
    if (type === undefined && assertion === undefined) return undefined;
    // RFC 7521 §4.2: client_id is optional; when absent the assertion's subject names the client.
    const clientId =
      readParameter(parameters, 'client_id', MAX_PRESENTED_CLIENT_ID_LENGTH) ??
      (assertion === undefined ? undefined : unverifiedSubject(assertion));
    return {
      clientId: clientId ?? '',
      // An unsupported assertion type proves nothing (RFC 7521 §4.2.1: invalid_client).
      credential: type === JWT_BEARER_ASSERTION_TYPE ? assertion : undefined,
    };
  }

  async verify(client: ClientEntity, presented: PresentedClient): Promise<boolean> {
    if (presented.credential === undefined) return false;
    const leeway = this.oauth.clockLeewaySeconds;
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(presented.credential, this.keySets.lookupFor(client), {
        // RFC 8725 §3.1: only asymmetric algorithms we list; `none` and HMAC never reach a key.
        algorithms: [...CLIENT_ASSERTION_ALGORITHMS],
        // RFC 7523 §3 items 1 and 2: iss and sub are the client id.
        issuer: client.clientId,
        subject: client.clientId,
        // RFC 7523 §3 items 4 and 7: an expiry and a jti are required here; nbf is checked when present.
        requiredClaims: ['exp', 'jti'],
        clockTolerance: leeway,
      }));
    } catch {
      return false;
    }
    const now = Math.floor(Date.now() / 1000);
    const { aud, exp, iat, jti } = claims;
    // draft-ietf-oauth-rfc7523bis §4: the audience is the issuer identifier and nothing else (a single
    // string, or an array holding only it); the token endpoint URL is refused (audience injection).
    const audiences = typeof aud === 'string' ? [aud] : (aud ?? []);
    if (audiences.length !== 1 || audiences[0] !== this.oauth.issuer) return false;
    if (typeof exp !== 'number' || exp > now + MAX_ASSERTION_LIFETIME_SECONDS + leeway) return false;
    // RFC 7519 §4.1.6: an assertion issued in the future is not valid yet.
    if (iat !== undefined && (typeof iat !== 'number' || iat > now + leeway)) return false;
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) return false;
    // RFC 7523 §3 item 7: checked last, so that only a correctly signed assertion spends its jti.
    return this.assertions.consume(client.clientId, jti, new Date((exp + leeway) * 1000));
  }
}
