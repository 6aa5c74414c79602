import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, MoreThan, Repository } from 'typeorm';
import { randomToken, sha256Hex, timeOrderedId } from '../common/crypto';
import { oauthConfig } from '../config/oauth.config';
import { AuthorizationCodeEntity } from './authorization-code.entity';
import { consumeOnce, Consumption } from '../database/single-use';

export interface NewAuthorizationCode {
  clientId: string;
  userId: string;
  /** As sent in the authorization request; null when it was omitted. */
  redirectUri: string | null;
  scope: string;
  /** RFC 8707: the resources the authorization is for; omitted, the default resource. */
  resources?: readonly string[];
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  /** OpenID Connect: the sign-in behind the code and the request's nonce, for the ID token. */
  nonce?: string | null;
  authTime?: Date | null;
  sid?: string | null;
}

/** Authorization codes (RFC 6749 §4.1.2): 256 bits of randomness, stored only as a hash. */
@Injectable()
export class AuthorizationCodesService {
  constructor(
    @InjectRepository(AuthorizationCodeEntity) private readonly repository: Repository<AuthorizationCodeEntity>,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
  ) {}

  /** Creates a code and returns it; only its hash is stored. */
  async create(input: NewAuthorizationCode): Promise<string> {
    const code = randomToken(32);
    const now = Date.now();
    await this.repository.insert({
      id: timeOrderedId(),
      codeHash: sha256Hex(code),
      clientId: input.clientId,
      userId: input.userId,
      redirectUri: input.redirectUri,
      scope: input.scope,
      resources: input.resources ? [...input.resources] : null,
      codeChallenge: input.codeChallenge,
      codeChallengeMethod: input.codeChallengeMethod,
      nonce: input.nonce ?? null,
      authTime: input.authTime ?? null,
      sid: input.sid ?? null,
      grantId: timeOrderedId(),
      expiresAt: new Date(now + this.oauth.authCodeTtlSeconds * 1000),
      consumedAt: null,
      createdAt: new Date(now),
    });
    return code;
  }

  /**
   * Marks the code consumed if it is this client's, unconsumed and unexpired (RFC 6749 §4.1.2:
   * single use), in the caller's transaction.
   */
  consume(
    manager: EntityManager,
    code: string,
    clientId: string,
    now = new Date(),
  ): Promise<Consumption<AuthorizationCodeEntity>> {
    return consumeOnce(
      manager,
      {
        entity: AuthorizationCodeEntity,
        where: { codeHash: sha256Hex(code) },
        usedColumn: 'consumedAt',
        usable: { clientId, expiresAt: MoreThan(now) },
        // RFC 6749 §4.1.3: the code must have been issued to the authenticated client.
        isOwnedBy: (record) => record.clientId === clientId,
      },
      now,
    );
  }
}
