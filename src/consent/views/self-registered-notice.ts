import type { ClientEntity } from '../../clients/client.entity';
import { escapeHtml } from './layout';

/** Who is asking, for a client no operator registered (PRODUCT.md: consent shows who is asking). */
export interface SelfRegisteredClient {
  registration: 'dynamic' | 'metadata_document';
  /** A metadata-document client: the host that publishes its document (its client_id). */
  documentHost?: string;
  /** Shown only when https. */
  logoUri?: string;
}

function hostOf(uri: string): string {
  try {
    return new URL(uri).host;
  } catch {
    return '';
  }
}

/** What the consent page says about a self-registered client; undefined for an operator's client. */
export function selfRegisteredClientOf(client: ClientEntity | undefined): SelfRegisteredClient | undefined {
  if (!client || client.registrationType === 'operator') return undefined;
  const logo = client.metadata?.logo_uri;
  return {
    registration: client.registrationType,
    ...(client.registrationType === 'metadata_document' ? { documentHost: hostOf(client.clientId) } : {}),
    // Only an https logo: never a mixed-content or tracking request over http (RFC 7591 §2 logo_uri).
    ...(logo?.startsWith('https://') ? { logoUri: logo } : {}),
  };
}

/** The notice under the consent heading: not registered by an operator (the page says where the answer goes). */
export function renderSelfRegisteredNotice(client: SelfRegisteredClient | undefined): string {
  if (!client) return '';
  const logo = client.logoUri ? `<img src="${escapeHtml(client.logoUri)}" alt="" width="48" height="48">\n` : '';
  const source = client.documentHost
    ? `It describes itself in a document published by <strong>${escapeHtml(client.documentHost)}</strong>.`
    : 'It registered itself.';
  return `${logo}<p role="note" class="alert">This application was not registered by an operator of this server. ${source} Allow only if you trust that site.</p>`;
}
