import type { FastifyRequest } from 'fastify';
import type { ClientCredentials } from '../clients/client-authentication.service';

/** What an OAuth request offers to authenticate its client: the Basic header or the body's fields. */
export function clientCredentialsOf(
  request: FastifyRequest,
  body: { client_id?: string; client_secret?: string },
): ClientCredentials {
  return {
    authorization: request.headers.authorization,
    clientId: body.client_id,
    clientSecret: body.client_secret,
    remoteAddress: request.ip,
  };
}
