import type { Logger } from '@auth/protocol';
import type { OAuthClient } from '@auth/storage';
import { clientIdUrlProblem } from './client-id-url.js';
import { DocumentCache } from './document-cache.js';
import { documentClient } from './document-client.js';
import { fetchDocument } from './fetch-document.js';
import { MetadataDocumentError } from './metadata-document-error.js';
import type { Resolver } from './pinned-addresses.js';

/** The checked settings of client metadata documents. */
export interface MetadataDocumentSettings {
  enabled: boolean;
  allowedHosts: ReadonlySet<string>;
  minTtlSeconds: number;
  maxTtlSeconds: number;
  timeoutMs: number;
  resolve: Resolver;
  ca?: readonly string[];
}

/** Clients identified by the URL of their metadata document (draft-ietf-oauth-client-id-metadata-document). */
export interface MetadataDocumentClients {
  readonly enabled: boolean;
  /** The client a URL `client_id` describes, from the cache or fetched; throws `MetadataDocumentError`. */
  resolve(clientId: string): Promise<OAuthClient>;
}

/**
 * Fetches, validates and caches client metadata documents. A document is cached for its
 * `Cache-Control` freshness clamped to `[minTtlSeconds, maxTtlSeconds]` (the minimum when it
 * gives none), per process: replicas each fetch once per lifetime. Failures are not cached.
 */
export function createMetadataDocumentClients(
  settings: MetadataDocumentSettings,
  scopesSupported: readonly string[],
  now: () => number,
  logger: Logger,
): MetadataDocumentClients {
  const cache = new DocumentCache<OAuthClient>(now);
  const load = async (clientId: string) => {
    const problem = clientIdUrlProblem(clientId);
    if (problem !== undefined) throw new MetadataDocumentError(problem);
    const url = new URL(clientId);
    const fetched = await fetchDocument(url, settings);
    const client = documentClient(clientId, fetched.document, scopesSupported, now());
    const ttl = Math.min(
      settings.maxTtlSeconds,
      Math.max(settings.minTtlSeconds, fetched.maxAgeSeconds ?? settings.minTtlSeconds),
    );
    logger.info(
      { event: 'client.metadata_document', host: url.host, path: url.pathname, cachedSeconds: ttl },
      'client metadata document fetched',
    );
    return { value: client, expiresAt: now() + ttl * 1000 };
  };
  return {
    enabled: settings.enabled,
    async resolve(clientId) {
      if (!settings.enabled)
        throw new MetadataDocumentError('this server does not accept client metadata documents');
      try {
        return await cache.get(clientId, () => load(clientId));
      } catch (error) {
        if (!(error instanceof MetadataDocumentError)) throw error;
        logger.info(
          { event: 'client.metadata_document_refused', reason: error.message },
          'client metadata document refused',
        );
        throw error;
      }
    },
  };
}
