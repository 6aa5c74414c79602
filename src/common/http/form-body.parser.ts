import type { FastifyRequest } from 'fastify';

/** More parameters than any OAuth request needs is an attack, not a request (RFC 9110 §15.5.14). */
export const MAX_FORM_PARAMETERS = 100;

export class RequestBodyError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

/**
 * application/x-www-form-urlencoded without qs magic: `a[b]=c` stays the key "a[b]", and a repeated
 * parameter becomes an array so validation can refuse it (RFC 6749 §3.1: parameters MUST NOT repeat).
 */
export function parseForm(body: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  let count = 0;
  for (const [key, value] of new URLSearchParams(body)) {
    count += 1;
    if (count > MAX_FORM_PARAMETERS) throw new RequestBodyError('Too many form parameters', 413);
    const existing = result[key];
    if (existing === undefined) result[key] = value;
    else result[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  // A plain object again, so validators and DTO transformation see ordinary own properties.
  return { ...result };
}

/** Fastify content-type parser for forms; async so Fastify never waits on a callback. */
export async function formBodyParser(_request: FastifyRequest, body: string | Buffer): Promise<unknown> {
  return parseForm(typeof body === 'string' ? body : body.toString('utf8'));
}
