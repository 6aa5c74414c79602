import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Inject,
  Logger,
  MethodNotAllowedException,
  NotFoundException,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { oauthConfig } from '../../config/oauth.config';
import { isDatabaseUnavailable } from '../database-errors';
import type { AllowedMethods } from '../http/allowed-methods';
import { codeForStatus, NO_STORE_HEADERS, toWireText } from './error-body';
import { OAuthError } from './oauth.error';

/** Where a Bearer challenge points clients for the resource's metadata (RFC 9728 §5.1). */
export const REALM = 'tollgate';

/** Quotes a value for an auth-param (RFC 9110 §11.2): no CR/LF, quotes and backslashes escaped. */
function quoted(value: string): string {
  return `"${toWireText(value, 500).replace(/[\\"]/g, '\\$&')}"`;
}

/** Turns every error into a response: RFC 6749 §5.2 JSON for OAuth errors, a generic body otherwise. */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    if (exception instanceof OAuthError) {
      this.sendOAuthError(reply, exception);
      return;
    }
    const mediaStatus = exception instanceof HttpException ? exception.getStatus() : statusOf(exception);
    if (mediaStatus === 415 && isOAuthEndpoint(host.switchToHttp().getRequest<FastifyRequest>().url)) {
      // RFC 6749 §3.2, §4.1.3: OAuth endpoints take forms; any other media type is a malformed request.
      this.sendOAuthError(reply, OAuthError.invalidRequest('Content-Type must be application/x-www-form-urlencoded'));
      return;
    }
    if (exception instanceof NotFoundException) {
      const allowed = this.allowedMethodsFor(host);
      if (allowed) {
        reply.header('allow', allowed.join(', '));
        exception = new MethodNotAllowedException(`This endpoint accepts ${allowed.join(', ')}`);
      }
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'object' && response !== null && 'message' in response
          ? String(Array.isArray(response.message) ? response.message.join('; ') : response.message)
          : exception.message;
      if (status >= 500) this.logger.error({ err: exception }, 'request failed');
      for (const [name, value] of Object.entries(exceptionHeaders(exception))) reply.header(name, value);
      reply
        .code(status)
        .headers(NO_STORE_HEADERS)
        .type('application/json; charset=utf-8')
        .send({ error: codeForStatus(status), error_description: toWireText(message) });
      return;
    }
    const status = statusOf(exception);
    if (status !== undefined && status < 500) {
      // Framework errors raised before routing (body too large, bad JSON, bad media type).
      reply
        .code(status)
        .headers(NO_STORE_HEADERS)
        .type('application/json; charset=utf-8')
        .send({ error: codeForStatus(status), error_description: toWireText(messageOf(exception)) });
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ err: exception }, 'database unavailable');
      this.sendOAuthError(
        reply,
        new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable; try again shortly'),
      );
      return;
    }
    this.logger.error({ err: exception }, 'unexpected error');
    this.sendOAuthError(reply, new OAuthError('server_error', 'The server could not complete the request'));
  }

  /** For a path some route serves with other methods: those methods (RFC 9110 §15.5.6). */
  private allowedMethodsFor(host: ArgumentsHost): string[] | undefined {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const table = (request.server as unknown as { allowedMethods?: AllowedMethods }).allowedMethods;
    const allowed = table?.for(request.url);
    return allowed && !allowed.includes(request.method) ? allowed : undefined;
  }

  private sendOAuthError(reply: FastifyReply, error: OAuthError): void {
    if (error.status >= 500 && error.cause !== undefined) {
      this.logger.error({ err: error.cause }, error.description ?? error.code);
    }
    const challenge = this.challengeFor(error);
    if (challenge) reply.header('www-authenticate', challenge);
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    // RFC 9110 §10.2.3 (and RFC 7009 §2.2.1 for 503): tell the client when to try again.
    else if (error.status === 503) reply.header('retry-after', '5');
    const body: Record<string, string> = { error: error.code };
    if (error.description) body.error_description = toWireText(error.description);
    reply.code(error.status).headers(NO_STORE_HEADERS).type('application/json; charset=utf-8').send(body);
  }

  private challengeFor(error: OAuthError): string | undefined {
    if (error.challenge === 'Bearer') {
      const params = [`realm=${quoted(REALM)}`];
      if (!error.isBareChallenge) {
        params.push(`error=${quoted(error.code)}`);
        if (error.description) params.push(`error_description=${quoted(error.description)}`);
      }
      if (error.scope) params.push(`scope=${quoted(error.scope)}`);
      const metadata = error.resourceMetadata ?? `${this.oauth.baseUrl}/.well-known/oauth-protected-resource`;
      params.push(`resource_metadata=${quoted(metadata)}`);
      return `Bearer ${params.join(', ')}`;
    }
    // RFC 6749 §5.2: failed client authentication answers 401 with a challenge.
    if (error.code === 'invalid_client') return `Basic realm=${quoted(REALM)}, charset="UTF-8"`;
    return undefined;
  }
}

function exceptionHeaders(exception: HttpException): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = exception.getResponse();
  if (typeof response === 'object' && response !== null && 'allow' in response) {
    headers.allow = String((response as { allow: unknown }).allow);
  }
  return headers;
}

function isOAuthEndpoint(url: string): boolean {
  return url.startsWith('/oauth/');
}

function statusOf(exception: unknown): number | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const status = (exception as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

function messageOf(exception: unknown): string {
  return exception instanceof Error ? exception.message : 'Bad request';
}
