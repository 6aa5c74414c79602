import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { oauthConfig } from '../config/oauth.config';
import type { SessionCookieValue } from './sessions.service';

/** Reads and writes the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure when the issuer is https. */
@Injectable()
export class SessionCookie {
  private readonly name: string;
  private readonly isSecure: boolean;

  constructor(@Inject(oauthConfig.KEY) oauth: ConfigType<typeof oauthConfig>) {
    this.isSecure = oauth.isSecureIssuer;
    // The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and Path=/.
    this.name = this.isSecure ? '__Host-tollgate_session' : 'tollgate_session';
  }

  read(request: FastifyRequest): string | undefined {
    return request.cookies?.[this.name];
  }

  /** The cookie lives exactly as long as the session's record: 30 minutes signed out, 8 hours signed in. */
  write(reply: FastifyReply, { token, expiresAt }: SessionCookieValue): void {
    reply.setCookie(this.name, token, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: this.isSecure,
      maxAge: Math.max(1, Math.ceil((expiresAt.getTime() - Date.now()) / 1000)),
    });
  }

  clear(reply: FastifyReply): void {
    reply.clearCookie(this.name, { httpOnly: true, sameSite: 'lax', path: '/', secure: this.isSecure });
  }
}
