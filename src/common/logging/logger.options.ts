import type { Params } from 'nestjs-pino';
import type { FastifyInstance } from 'fastify';
import { pino, type DestinationStream, type Logger as PinoLoggerInstance } from 'pino';

/** Query parameters whose values are credentials or bind a credential; never written to a log. */
const SECRET_QUERY_PARAMS =
  /^(code|code_verifier|code_challenge|state|access_token|refresh_token|token|client_secret|password|id_token_hint)$/i;

/** The request path with secret query values replaced by `[redacted]`. */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const params = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=')[0];
      let decoded: string;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // a malformed name is logged as sent, its value is not
        return `${name}=[redacted]`;
      }
      return SECRET_QUERY_PARAMS.test(decoded) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, queryStart)}?${params.join('&')}`;
}

/** Fields whose values are credentials, wherever they appear in a logged object. */
const REDACTED_PATHS = [
  '*.password',
  '*.client_secret',
  '*.refresh_token',
  '*.access_token',
  '*.code',
  '*.code_verifier',
  '*.authorization',
  '*.cookie',
];

/** The root logger: JSON lines, credentials redacted. */
export function createRootLogger(level: string, destination: DestinationStream): PinoLoggerInstance {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}

/** nestjs-pino on top of the root logger, for application logs; access logs come from logRequests. */
export function buildLoggerParams(logger: PinoLoggerInstance): Params {
  // No per-request middleware: on Fastify it costs more than a bearer-checked API call.
  return { pinoHttp: { logger }, forRoutes: [] };
}

/**
 * One access-log line per request: method, redacted URL, status and time only. No headers
 * (Authorization, cookies), no bodies (secrets, passwords, codes) and no response headers
 * (Location carries codes). The health probe is not logged.
 */
export function logRequests(fastify: FastifyInstance, logger: PinoLoggerInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    if (request.url !== '/health' && logger.isLevelEnabled('info')) {
      const entry = {
        req: { id: request.id, method: request.method, url: redactUrl(request.url) },
        res: { statusCode: reply.statusCode },
        responseTime: Math.round(reply.elapsedTime),
      };
      if (reply.statusCode >= 500) logger.error(entry, 'request failed');
      else logger.info(entry, 'request completed');
    }
    done();
  });
}
