import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageOutcome } from './outcome';
import type { SessionCookie } from './session-cookie';
import { renderErrorPage } from './views/error.view';

/**
 * Headers of every page and of every redirect from one: never cached (they carry CSRF tokens and
 * codes), never framed (clickjacking, RFC 6749 §10.13), never leaking the URL as a referrer.
 * Helmet sets the last two app-wide; they are repeated so a page never depends on that.
 */
export const PAGE_HEADERS = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

export function isFormPost(request: FastifyRequest): boolean {
  const type = request.headers['content-type'] ?? '';
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(type);
}

/** Sends a page outcome. Redirects answer 302 to GET and 303 to POST (RFC 9110 §15.4.4). */
export function sendPageOutcome<T>(
  reply: FastifyReply,
  cookie: SessionCookie,
  outcome: PageOutcome<T>,
  render: (view: T) => string,
  redirectStatus: 302 | 303,
): FastifyReply {
  reply.headers(PAGE_HEADERS);
  if (outcome.isSessionEnded) cookie.clear(reply);
  else if (outcome.session) cookie.write(reply, outcome.session);
  if (outcome.retryAfterSeconds !== undefined) reply.header('retry-after', String(outcome.retryAfterSeconds));
  switch (outcome.kind) {
    case 'redirect':
      return reply.code(redirectStatus).header('location', outcome.location).send();
    case 'error':
      return reply.code(outcome.status).type('text/html; charset=utf-8').send(renderErrorPage(outcome.page));
    case 'view':
      return reply.code(outcome.status).type('text/html; charset=utf-8').send(render(outcome.view));
  }
}

/** A form POST with another body type (JSON, multipart) is refused before anything reads it. */
export function sendNotAForm(reply: FastifyReply, cookie: SessionCookie): FastifyReply {
  return sendPageOutcome(
    reply,
    cookie,
    {
      kind: 'error',
      status: 400,
      page: {
        title: 'Invalid request',
        error: 'invalid_request',
        description: 'This form must be sent as application/x-www-form-urlencoded.',
      },
    },
    noView,
    303,
  );
}

/** The renderer of outcomes that never carry a view (redirects and error pages only). */
export function noView(): string {
  return '';
}
