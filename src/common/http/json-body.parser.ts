import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestBodyError } from './form-body.parser';

/** Deeper than any document the API takes; validation recurses once per level (R2-05). */
export const MAX_JSON_DEPTH = 32;

/** True when arrays and objects in `text` nest deeper than `maxDepth` (brackets inside strings do not count). */
export function isNestedDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index += 1; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (char === 0x7d || char === 0x5d) {
      depth -= 1;
    }
  }
  return false;
}

type Done = (error: Error | null, value?: unknown) => void;

/**
 * Fastify's own JSON parser (which refuses `__proto__` and `constructor` keys), behind a depth
 * limit: a body nested thousands deep would otherwise overflow the stack in class-transformer and
 * answer 500 instead of 400. For `app.useBodyParser('application/json', …)`.
 */
export function depthLimitedJsonParser(fastify: FastifyInstance) {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (request: FastifyRequest, body: string | Buffer, done: Done): void => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (isNestedDeeperThan(text, MAX_JSON_DEPTH)) {
      done(new RequestBodyError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`, 400));
      return;
    }
    parse(request, text, done);
  };
}
