import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { SafeFetcher, SafeFetchError } from '../../common/http/safe-fetcher';
import { isLoopbackHostname } from '../../common/http/address-policy';
import { OAuthError } from '../../common/oauth/oauth.error';
import { fetchConfig } from '../../config/fetch.config';
import { registrationConfig } from '../../config/registration.config';
import { MAX_PRESENTED_CLIENT_ID_LENGTH, type ClientEntity } from '../client.entity';
import { newClientFromMetadata, readClientMetadata } from '../client-metadata';
import { ClientsService } from '../clients.service';

/** draft-ietf-oauth-client-id-metadata-document §4: documents are small; 5 KB and 5 s (PRODUCT.md). */
export const MAX_DOCUMENT_BYTES = 5120;
export const FETCH_TIMEOUT_MS = 5000;
/** PRODUCT.md: the document's caching headers decide, within 1 minute and 24 hours. */
export const MIN_CACHE_SECONDS = 60;
export const MAX_CACHE_SECONDS = 86400;
/** Documents kept in memory per instance; the oldest entry goes first. */
const MAX_CACHED_DOCUMENTS = 1000;

const REFUSAL_WORDS: Record<SafeFetchError['reason'], string> = {
  invalid_url: 'is not a valid URL',
  scheme: 'must use https',
  address: 'points to an address the server does not fetch from',
  dns: 'names a host that does not resolve',
  redirect: 'answered with a redirect (not followed)',
  status: 'did not answer 200',
  too_large: `is larger than ${MAX_DOCUMENT_BYTES} bytes`,
  timeout: 'did not answer in time',
  content_type: 'is not served as application/json',
  invalid_json: 'is not valid JSON',
  network: 'could not be reached',
};

function refusal(description: string): OAuthError {
  return new OAuthError('invalid_client', description);
}

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): a client id that is
 * an https URL names the public client its JSON document describes. Documents are fetched through
 * the SSRF-safe fetcher, checked by the rules of every other client, stored (the row anchors codes,
 * tokens and consents) and cached in memory for as long as their caching headers allow.
 */
@Injectable()
export class MetadataDocumentClients {
  /** When each validated document goes stale (ms); its client is the stored row. */
  private readonly freshUntil = new Map<string, number>();
  private readonly pending = new Map<string, Promise<ClientEntity>>();

  constructor(
    private readonly fetcher: SafeFetcher,
    private readonly clients: ClientsService,
    @Inject(registrationConfig.KEY) private readonly settings: ConfigType<typeof registrationConfig>,
    @Inject(fetchConfig.KEY) private readonly fetching: ConfigType<typeof fetchConfig>,
  ) {}

  /** Whether this client id is a URL, i.e. names a metadata document rather than a stored client. */
  isDocumentUrl(clientId: string): boolean {
    // http:// too, so that it is refused with its reason (https only) rather than as an unknown client.
    return clientId.startsWith('https://') || clientId.startsWith('http://');
  }

  /** The client the document at `url` describes; OAuthError invalid_client (with the reason) when refused. */
  async resolve(url: string, now = Date.now()): Promise<ClientEntity> {
    if (!this.settings.areMetadataDocumentsEnabled) throw refusal('Client ID Metadata Documents are not accepted.');
    if ((this.freshUntil.get(url) ?? 0) > now) {
      // The row, not a copy: a client deleted meanwhile (cleanup, clients:delete) is fetched and stored again.
      const stored = await this.clients.findById(url);
      if (stored?.registrationType === 'metadata_document') return stored;
    }
    const inFlight = this.pending.get(url);
    if (inFlight) return inFlight;
    const loading = this.load(url, now).finally(() => this.pending.delete(url));
    this.pending.set(url, loading);
    return loading;
  }

  private async load(url: string, now: number): Promise<ClientEntity> {
    this.checkClientIdUrl(url);
    let fetched;
    try {
      fetched = await this.fetcher.fetchJson(url, {
        maxBytes: MAX_DOCUMENT_BYTES,
        timeoutMs: FETCH_TIMEOUT_MS,
        minMaxAgeSeconds: MIN_CACHE_SECONDS,
        maxMaxAgeSeconds: MAX_CACHE_SECONDS,
      });
    } catch (error) {
      if (error instanceof SafeFetchError)
        throw refusal(`The client's metadata document ${REFUSAL_WORDS[error.reason]}.`);
      throw error;
    }
    const client = await this.store(url, fetched.body);
    this.freshUntil.delete(url);
    if (this.freshUntil.size >= MAX_CACHED_DOCUMENTS)
      this.freshUntil.delete(this.freshUntil.keys().next().value as string);
    this.freshUntil.set(url, now + fetched.maxAgeSeconds * 1000);
    return client;
  }

  /** draft §3: an https URL with a path, no fragment, no credentials, no dot segments. */
  private checkClientIdUrl(clientId: string): void {
    if (clientId.length > MAX_PRESENTED_CLIENT_ID_LENGTH) throw refusal('The client_id URL is too long.');
    let url: URL;
    try {
      url = new URL(clientId);
    } catch {
      throw refusal('The client_id is not a valid URL.');
    }
    const isLoopbackHttp =
      url.protocol === 'http:' && this.fetching.allowHttpLoopback && isLoopbackHostname(url.hostname);
    if (url.protocol !== 'https:' && !isLoopbackHttp) throw refusal('A client_id URL must use https.');
    if (url.pathname === '/' || url.pathname === '') throw refusal('A client_id URL must have a path.');
    if (clientId.includes('#') || url.username || url.password) {
      throw refusal('A client_id URL must not contain a fragment or credentials.');
    }
    if (/\/\.{1,2}(\/|$)/.test(clientId.replace(/[?].*$/, ''))) {
      throw refusal('A client_id URL must not contain dot segments.');
    }
  }

  private async store(url: string, body: unknown): Promise<ClientEntity> {
    const document = body as Record<string, unknown> | null;
    // draft §4.1: the document names itself; anything else is someone else's document.
    if (typeof document !== 'object' || document === null || document.client_id !== url) {
      throw refusal("The client's metadata document does not name this client_id.");
    }
    // draft §4.1: a metadata-document client has no shared secret.
    if ('client_secret' in document || 'client_secret_expires_at' in document) {
      throw refusal("The client's metadata document must not contain a client secret.");
    }
    try {
      const metadata = readClientMetadata(document);
      if (!metadata.redirect_uris || metadata.redirect_uris.length === 0) {
        throw new OAuthError('invalid_redirect_uri', 'redirect_uris is required');
      }
      const input = newClientFromMetadata(metadata, { defaultAuthMethod: 'none', fallbackName: new URL(url).host });
      if (input.tokenEndpointAuthMethod !== 'none') {
        throw new OAuthError('invalid_client_metadata', 'token_endpoint_auth_method must be none');
      }
      return await this.clients.saveMetadataDocumentClient({ ...input, clientId: url });
    } catch (error) {
      if (error instanceof OAuthError && error.code !== 'server_error') {
        throw refusal(`The client's metadata document is invalid: ${error.description ?? error.code}.`);
      }
      throw error;
    }
  }
}
