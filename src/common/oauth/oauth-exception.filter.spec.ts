import { ArgumentsHost, MethodNotAllowedException, UnsupportedMediaTypeException } from '@nestjs/common';
import { OAuthExceptionFilter } from './oauth-exception.filter';
import { OAuthError } from './oauth.error';

interface Sent {
  status?: number;
  headers: Record<string, string>;
  body?: unknown;
}

function hostFor(url: string, sent: Sent): ArgumentsHost {
  const reply = {
    sent: false,
    code(status: number) {
      sent.status = status;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
      return reply;
    },
    headers(values: Record<string, string>) {
      for (const [name, value] of Object.entries(values)) sent.headers[name.toLowerCase()] = value;
      return reply;
    },
    type(value: string) {
      sent.headers['content-type'] = value;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  return {
    switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({ url }) }),
  } as unknown as ArgumentsHost;
}

describe(OAuthExceptionFilter.name, () => {
  const filter = new OAuthExceptionFilter({ baseUrl: 'https://as.example' } as never);

  const handle = (error: unknown, url = '/oauth/token'): Sent => {
    const sent: Sent = { headers: {} };
    filter.catch(error, hostFor(url, sent));
    return sent;
  };

  it('answers invalid_client with 401, a Basic challenge and no-store (RFC 6749 §5.2)', () => {
    const sent = handle(OAuthError.invalidClient());
    expect(sent.status).toBe(401);
    expect(sent.headers['www-authenticate']).toBe('Basic realm="tollgate", charset="UTF-8"');
    expect(sent.headers['cache-control']).toBe('no-store');
    expect(sent.headers.pragma).toBe('no-cache');
    expect(sent.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
  });

  it('answers invalid_grant with 400 and no challenge', () => {
    const sent = handle(OAuthError.invalidGrant('bad code'));
    expect(sent.status).toBe(400);
    expect(sent.headers['www-authenticate']).toBeUndefined();
    expect(sent.body).toEqual({ error: 'invalid_grant', error_description: 'bad code' });
  });

  it('keeps quoted values readable: a double quote becomes a single one, other bytes a ? (RFC 6749 §5.2)', () => {
    const sent = handle(OAuthError.invalidRequest('redirect_uri "https://a.example/é" is not registered'));
    expect(sent.body).toEqual({
      error: 'invalid_request',
      error_description: "redirect_uri 'https://a.example/?' is not registered",
    });
  });

  it('sends Retry-After from a throttled error', () => {
    const sent = handle(new OAuthError('temporarily_unavailable', 'slow down', { status: 429, retryAfterSeconds: 42 }));
    expect(sent.status).toBe(429);
    expect(sent.headers['retry-after']).toBe('42');
  });

  it('turns an unsupported media type on an OAuth endpoint into invalid_request (RFC 6749 §3.2)', () => {
    const sent = handle(new UnsupportedMediaTypeException(), '/oauth/token');
    expect(sent.status).toBe(400);
    expect(sent.body).toMatchObject({ error: 'invalid_request' });
    const fastifyError = Object.assign(new Error('Unsupported Media Type'), { statusCode: 415 });
    expect(handle(fastifyError, '/oauth/revoke').status).toBe(400);
  });

  it('leaves an unsupported media type elsewhere as 415', () => {
    expect(handle(new UnsupportedMediaTypeException(), '/api/notes').status).toBe(415);
  });

  it('passes the Allow header of a 405 through', () => {
    const sent = handle(new MethodNotAllowedException({ message: 'POST only', allow: 'POST' }), '/oauth/token');
    expect(sent.status).toBe(405);
    expect(sent.headers.allow).toBe('POST');
  });

  it('hides an unexpected error behind server_error', () => {
    const sent = handle(new Error('SELECT secret FROM somewhere failed'));
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({
      error: 'server_error',
      error_description: 'The server could not complete the request',
    });
  });
});
