import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { randomToken, sha256Hex } from '../common/crypto';
import { oauthConfig } from '../config/oauth.config';
import { AuthorizationCodeEntity } from './authorization-code.entity';

export interface NewAuthorizationCode {
  clientId: string;
  userId: string;
  /** As sent in the authorization request; null when it was omitted. */
  redirectUri: string | null;
  scope: string;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
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
      id: randomUUID(),
      codeHash: sha256Hex(code),
      clientId: input.clientId,
      userId: input.userId,
      redirectUri: input.redirectUri,
      scope: input.scope,
      codeChallenge: input.codeChallenge,
      codeChallengeMethod: input.codeChallengeMethod,
      grantId: randomUUID(),
      expiresAt: new Date(now + this.oauth.authCodeTtlSeconds * 1000),
      consumedAt: null,
      createdAt: new Date(now),
    });
    return code;
  }
}
