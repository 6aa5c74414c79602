import { Injectable } from '@nestjs/common';
import type { ClientEntity } from '../../clients/client.entity';
import { OAuthError } from '../../common/oauth/oauth.error';
import { OptionalParameter, RepeatableParameter, RequiredParameter } from '../../common/oauth/parameter.decorators';
import { formatScope, parseScope } from '../../common/oauth/scopes';
import { ResourceCatalog } from '../../resources/resource-catalog';
import { MAX_RESOURCE_IDENTIFIER_LENGTH } from '../../resources/resource-identifier';
import { MAX_RESOURCES_PER_REQUEST } from '../../resources/resource-indicators';
import { AccessTokenClaims, ActorClaim, audiencesOf } from '../access-token-claims';
import { AccessTokenSigner } from '../access-token-signer.service';
import { AccessTokenStore } from '../access-token-store.service';
import { AccessTokenVerifier } from '../access-token-verifier.service';
import { TokenResponseDto } from '../dto/token-response.dto';
import { Grant } from './grant.interface';
import { RequestedResources } from './requested-resources';

/** RFC 8693 §2.1: the grant type URN (also in metadata and on the client). */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 8693 §3: the only token type this server takes and issues. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
/** Delegation chains longer than this are refused: each link makes every later token bigger. */
const MAX_ACTOR_DEPTH = 5;
const MAX_TOKEN_LENGTH = 8000;

/** RFC 8693 §2.1. */
export class TokenExchangeParametersDto {
  @RequiredParameter(MAX_TOKEN_LENGTH)
  subject_token: string;

  @RequiredParameter(200)
  subject_token_type: string;

  @OptionalParameter(MAX_TOKEN_LENGTH)
  actor_token?: string;

  @OptionalParameter(200)
  actor_token_type?: string;

  @OptionalParameter(200)
  requested_token_type?: string;

  @OptionalParameter(1000)
  scope?: string;

  /** RFC 8693 §2.1, RFC 8707 §2: the target resource(s). */
  @RepeatableParameter(MAX_RESOURCES_PER_REQUEST, MAX_RESOURCE_IDENTIFIER_LENGTH)
  resource?: string[];

  /** RFC 8693 §2.1: logical names of the targets; here, resource identifiers too. */
  @RepeatableParameter(MAX_RESOURCES_PER_REQUEST, MAX_RESOURCE_IDENTIFIER_LENGTH)
  audience?: string[];
}

function actorDepth(act: ActorClaim | undefined): number {
  return act ? 1 + actorDepth(act.act) : 0;
}

/**
 * RFC 8693: a service that received a user's access token exchanges it for a token of its own for
 * another resource, narrower or equal in scope, naming itself as the actor (`act`, §4.1). The new
 * token belongs to the subject token's grant, so revoking that grant revokes it too, and it never
 * outlives the subject token. No refresh token (§2.2.1: the client can exchange again).
 */
@Injectable()
export class TokenExchangeGrant implements Grant<TokenExchangeParametersDto> {
  readonly grantType = TOKEN_EXCHANGE_GRANT_TYPE;
  readonly parameters = TokenExchangeParametersDto;
  // The exchanging party is a service that can authenticate (RFC 8693 §2.1 allows the AS to require it).
  readonly isPublicClientAllowed = false;
  readonly usesRedirectUri = false;
  readonly isEnabled = true;

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly store: AccessTokenStore,
    private readonly signer: AccessTokenSigner,
    private readonly resources: RequestedResources,
    private readonly catalog: ResourceCatalog,
  ) {}

  async handle(client: ClientEntity, parameters: TokenExchangeParametersDto): Promise<TokenResponseDto> {
    if (client.isPublic) throw new OAuthError('unauthorized_client', 'A public client cannot exchange tokens');
    // RFC 8693 §2.2.2: an unsupported token type or an unacceptable token is invalid_request.
    if (parameters.subject_token_type !== ACCESS_TOKEN_TYPE) {
      throw OAuthError.invalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
    }
    if (parameters.requested_token_type !== undefined && parameters.requested_token_type !== ACCESS_TOKEN_TYPE) {
      throw OAuthError.invalidRequest(`requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
    }
    const subject = await this.subjectOf(client, parameters.subject_token);
    await this.checkActor(client, parameters);

    const resources = await this.resources.resolve(client, [
      ...(parameters.resource ?? []),
      ...(parameters.audience ?? []),
    ]);
    // The subject token's scopes that the client is registered for; of those, the target resources' own.
    const registered = new Set(parseScope(client.scope) ?? []);
    const allowed = formatScope((parseScope(subject.claims.scope) ?? []).filter((scope) => registered.has(scope)));
    const scope = this.resources.scopeFor(resources, allowed, parameters.scope);
    if (scope === '') throw new OAuthError('invalid_scope', 'The subject token grants no scope of the target resource');

    // RFC 8693 §4.1: the requesting client is the current actor; earlier actors nest inside.
    const act: ActorClaim = { sub: client.clientId, ...(subject.claims.act ? { act: subject.claims.act } : {}) };
    if (actorDepth(act) > MAX_ACTOR_DEPTH) throw OAuthError.invalidRequest('The delegation chain is too long');

    const issued = await this.signer.issue({
      clientId: client.clientId,
      userId: subject.userId,
      grantId: subject.grantId,
      scope,
      audience: resources,
      act,
      notAfter: new Date(subject.claims.exp * 1000),
    });
    // A revocation of the grant that ran while this token was being recorded may have missed it.
    if (!(await this.store.isLive(subject.claims.jti))) {
      await this.store.revoke(issued.jti);
      throw OAuthError.invalidRequest('The subject token is not active');
    }
    return {
      access_token: issued.accessToken,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope,
    };
  }

  /**
   * The subject token: a live access token of this server, issued for a user (the party on whose
   * behalf the client acts), and one the client may see — its own, or one for a resource the client
   * introspects (RFC 7662 §4's need-to-know, the same rule as introspection).
   */
  private async subjectOf(
    client: ClientEntity,
    token: string,
  ): Promise<{ claims: AccessTokenClaims; userId: string; grantId: string }> {
    const inactive = OAuthError.invalidRequest('The subject token is not active');
    const claims = await this.verifier.verify(token);
    // Leaves at least one second of lifetime for the new token.
    if (!claims || (claims.exp - 1) * 1000 <= Date.now()) throw inactive;
    const record = await this.store.findRecord(claims.jti);
    if (!record || record.revokedAt !== null) throw inactive;
    if (!(await this.mayPresent(client.clientId, claims))) throw inactive;
    if (record.userId === null || record.grantId === null) {
      throw OAuthError.invalidRequest('The subject token must be issued for a user');
    }
    return { claims, userId: record.userId, grantId: record.grantId };
  }

  private async mayPresent(clientId: string, claims: AccessTokenClaims): Promise<boolean> {
    if (claims.client_id === clientId) return true;
    for (const identifier of audiencesOf(claims.aud)) {
      if ((await this.catalog.find(identifier))?.introspectors.includes(clientId)) return true;
    }
    return false;
  }

  /**
   * RFC 8693 §2.1: actor_token and actor_token_type come together. The actor is the requesting
   * client (PRODUCT.md: `act.sub` is its id), so an actor token must be a live access token the
   * client holds for itself (client credentials).
   */
  private async checkActor(client: ClientEntity, parameters: TokenExchangeParametersDto): Promise<void> {
    const { actor_token: token, actor_token_type: type } = parameters;
    if (token === undefined && type === undefined) return;
    if (token === undefined || type === undefined) {
      throw OAuthError.invalidRequest('actor_token and actor_token_type must be sent together');
    }
    if (type !== ACCESS_TOKEN_TYPE) throw OAuthError.invalidRequest(`actor_token_type must be ${ACCESS_TOKEN_TYPE}`);
    const claims = await this.verifier.verify(token);
    const isOwn = claims !== null && claims.sub === client.clientId && claims.client_id === client.clientId;
    if (!isOwn || claims.exp * 1000 <= Date.now() || !(await this.store.isLive(claims.jti))) {
      throw OAuthError.invalidRequest('The actor token must be an active access token of the requesting client');
    }
  }
}
