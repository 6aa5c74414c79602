import { Injectable } from '@nestjs/common';
import type { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';
import { MetadataDocumentClients } from './metadata-documents/metadata-document-clients.service';

/**
 * The one way a request's client_id becomes a client, at /oauth/authorize and at every endpoint
 * that authenticates clients: a URL names a metadata-document client, anything else a stored one.
 */
@Injectable()
export class ClientResolver {
  constructor(
    private readonly clients: ClientsService,
    private readonly documents: MetadataDocumentClients,
  ) {}

  /** The client, or null for an unknown id; OAuthError invalid_client (with the reason) for a refused document. */
  resolve(clientId: string): Promise<ClientEntity | null> {
    if (this.documents.isDocumentUrl(clientId)) return this.documents.resolve(clientId);
    return this.clients.findById(clientId);
  }
}
