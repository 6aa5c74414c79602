import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';

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

/**
 * JSON logs. Requests are logged by method, redacted URL and status only: no headers (Authorization,
 * cookies), no bodies (secrets, passwords, codes, tokens) and no response headers (Location carries codes).
 */
export function buildLoggerParams(level: string, destination?: DestinationStream): Params {
  const options = {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'res.headers.location',
        '*.password',
        '*.client_secret',
        '*.refresh_token',
        '*.access_token',
        '*.code',
        '*.code_verifier',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: IncomingMessage & { id?: unknown; ip?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
      error || res.statusCode >= 500 ? 'error' : 'info',
    // The health probe and the bearer-checked API are the hottest routes; a line each is noise.
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
  };
  // Nest 12 on Fastify matches middleware paths with path-to-regexp v8: `*path` is every route.
  return {
    pinoHttp: destination ? [options, destination] : options,
    forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
  };
}
