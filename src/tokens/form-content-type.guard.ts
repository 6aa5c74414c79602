import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../common/oauth/oauth.error';

/** RFC 6749 §3.2, RFC 7662 §2.1, RFC 7009 §2.1: parameters come form-encoded in the body, nothing else. */
@Injectable()
export class FormContentTypeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const contentType = context.switchToHttp().getRequest<FastifyRequest>().headers['content-type'] ?? '';
    const mediaType = contentType.split(';', 1)[0].trim().toLowerCase();
    if (mediaType !== 'application/x-www-form-urlencoded') {
      throw OAuthError.invalidRequest('Content-Type must be application/x-www-form-urlencoded');
    }
    return true;
  }
}
