import type { FastifyInstance } from 'fastify';
import { Metrics, UNMATCHED_ROUTE } from './metrics.service';

/**
 * One onResponse hook: counts and times every answered request by its route template (Fastify's
 * route url, e.g. `/api/notes/:id`), never by its raw path, so label values stay few.
 */
export function instrumentRequests(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
    metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
