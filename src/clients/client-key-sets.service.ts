import type { webcrypto } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { createLocalJWKSet, errors, type FlattenedJWSInput, type JWSHeaderParameters } from 'jose';
import { SafeFetcher } from '../common/http/safe-fetcher';
import type { ClientEntity } from './client.entity';
import { checkClientJwks, MAX_JWKS_LENGTH } from './client-jwks';

/** A key lookup for jose's jwtVerify: by `kid` and `alg` among a client's keys. */
export type ClientKeyLookup = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<webcrypto.CryptoKey>;

/** Clients whose key sets are kept in memory at most; the least recently loaded go first. */
const MAX_CACHED_KEY_SETS = 1000;
/** A `jwks_uri` is fetched again on an unknown `kid` at most this often per client (key rotation). */
export const JWKS_REFETCH_INTERVAL_MS = 60_000;
/** How long a fetched key set is used at most, whatever its caching headers say. */
const MAX_JWKS_AGE_SECONDS = 3600;

interface KeySetEntry {
  /** The client's jwks or jwks_uri this entry was built from; a changed registration rebuilds it. */
  source: string;
  lookup: ClientKeyLookup | null;
  expiresAt: number;
  fetchedAt: number;
  pending?: Promise<void>;
}

const NO_MATCHING_KEY: ClientKeyLookup = () => Promise.reject(new errors.JWKSNoMatchingKey());

/**
 * The public keys of private_key_jwt clients (RFC 7523 §2.2, RFC 7591 §2 `jwks`/`jwks_uri`), for
 * verifying their assertions. Keys by value are parsed once; a `jwks_uri` is fetched through the
 * SSRF-safe fetcher, cached by its HTTP caching headers (at most an hour), and fetched again when
 * an assertion names a `kid` the cached set lacks, at most once a minute per client.
 */
@Injectable()
export class ClientKeySets {
  private readonly logger = new Logger(ClientKeySets.name);
  private readonly entries = new Map<string, KeySetEntry>();

  /** The SSRF-safe fetcher: https only, never a loopback, private or link-local address, bounded size and time. */
  constructor(private readonly fetcher: SafeFetcher) {}

  /** A key lookup for the client's assertions; a lookup that finds nothing when the client has no usable keys. */
  lookupFor(client: Pick<ClientEntity, 'clientId' | 'jwks' | 'jwksUri'>): ClientKeyLookup {
    return async (header, token) => {
      const entry = await this.entryFor(client);
      try {
        return await (entry.lookup ?? NO_MATCHING_KEY)(header, token);
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey) || !client.jwksUri) throw error;
        // The client may have rotated its keys since we fetched them.
        if (!(await this.refetch(client, entry))) throw error;
        return (entry.lookup ?? NO_MATCHING_KEY)(header, token);
      }
    };
  }

  private async entryFor(client: Pick<ClientEntity, 'clientId' | 'jwks' | 'jwksUri'>): Promise<KeySetEntry> {
    const source = client.jwksUri ?? client.jwks ?? '';
    let entry = this.entries.get(client.clientId);
    if (!entry || entry.source !== source) {
      entry = { source, lookup: null, expiresAt: 0, fetchedAt: 0 };
      this.remember(client.clientId, entry);
      if (client.jwksUri) await this.fetch(client.jwksUri, entry);
      else if (client.jwks) entry.lookup = await this.parse(client.jwks);
      entry.expiresAt = client.jwksUri ? entry.expiresAt : Number.POSITIVE_INFINITY;
    } else if (client.jwksUri && Date.now() >= entry.expiresAt) {
      await this.fetch(client.jwksUri, entry);
    } else if (entry.pending) {
      await entry.pending;
    }
    return entry;
  }

  /** Fetches again unless this client's keys were fetched within the last minute; true when it did. */
  private async refetch(client: Pick<ClientEntity, 'jwksUri'>, entry: KeySetEntry): Promise<boolean> {
    if (entry.pending) {
      await entry.pending;
      return true;
    }
    if (Date.now() - entry.fetchedAt < JWKS_REFETCH_INTERVAL_MS) return false;
    await this.fetch(client.jwksUri as string, entry);
    return true;
  }

  private fetch(uri: string, entry: KeySetEntry): Promise<void> {
    entry.pending ??= this.load(uri, entry).finally(() => {
      entry.pending = undefined;
    });
    return entry.pending;
  }

  private async load(uri: string, entry: KeySetEntry): Promise<void> {
    entry.fetchedAt = Date.now();
    try {
      const { body, maxAgeSeconds } = await this.fetcher.fetchJson(uri, {
        maxBytes: MAX_JWKS_LENGTH,
        minMaxAgeSeconds: JWKS_REFETCH_INTERVAL_MS / 1000,
        maxMaxAgeSeconds: MAX_JWKS_AGE_SECONDS,
      });
      entry.lookup = createLocalJWKSet(await checkClientJwks(body));
      entry.expiresAt = entry.fetchedAt + Math.min(maxAgeSeconds, MAX_JWKS_AGE_SECONDS) * 1000;
    } catch (error) {
      // Assertions fail (invalid_client) until the next attempt, at most once a minute.
      this.logger.warn({ err: error, jwks_uri: uri }, 'client key set could not be fetched');
      entry.lookup = null;
      entry.expiresAt = entry.fetchedAt + JWKS_REFETCH_INTERVAL_MS;
    }
  }

  private async parse(jwks: string): Promise<ClientKeyLookup | null> {
    try {
      return createLocalJWKSet(await checkClientJwks(jwks));
    } catch {
      return null;
    }
  }

  private remember(clientId: string, entry: KeySetEntry): void {
    this.entries.delete(clientId);
    if (this.entries.size >= MAX_CACHED_KEY_SETS) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(clientId, entry);
  }
}
