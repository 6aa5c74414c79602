import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { OAuthError } from '../common/oauth/oauth.error';
import { PrincipalVerifier } from './principal-verifier.service';
import type { Principal } from './principal';

/**
 * passport-http-bearer, verifying JWT access tokens. BearerAuthGuard has already made sure the
 * token came in the Authorization header only (the strategy would also read query and body).
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly verifier: PrincipalVerifier) {
    super();
  }

  /** Throws OAuthError (never another error: the guard would answer 503) or returns the principal. */
  validate(token: unknown): Promise<Principal> {
    if (typeof token !== 'string') {
      throw new OAuthError('invalid_request', 'Send exactly one access token', { challenge: 'Bearer' });
    }
    return this.verifier.verify(token);
  }
}
