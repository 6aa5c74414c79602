import type { FastifyInstance } from 'fastify';

interface RoutePattern {
  pattern: RegExp;
  methods: Set<string>;
}

/** Turns a route path (`/api/notes/:id`) into a matcher for concrete paths. */
function toMatcher(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * Remembers which methods each route answers, so a known path asked with another method gets
 * 405 with `Allow` (RFC 9110 §15.5.6) instead of 404. Call before the routes are registered.
 */
export class AllowedMethods {
  private readonly routes = new Map<string, RoutePattern>();

  static install(fastify: FastifyInstance): AllowedMethods {
    const table = new AllowedMethods();
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      table.add(route.url, methods);
    });
    return table;
  }

  add(url: string, methods: readonly string[]): void {
    const entry = this.routes.get(url) ?? { pattern: toMatcher(url), methods: new Set<string>() };
    for (const method of methods) entry.methods.add(method.toUpperCase());
    this.routes.set(url, entry);
  }

  /** The methods a path answers, or undefined when no route has that path. */
  for(path: string): string[] | undefined {
    const pathOnly = path.split('?')[0];
    const methods = new Set<string>();
    for (const route of this.routes.values()) {
      if (route.pattern.test(pathOnly)) for (const method of route.methods) methods.add(method);
    }
    return methods.size > 0 ? [...methods].sort() : undefined;
  }
}
