import { createBoundedFetch, UpstreamError } from '@auth/upstream';
import { Agent } from 'undici';
import { MetadataDocumentError } from './metadata-document-error.js';
import { checkedAddresses, pinnedLookup, type Resolver } from './pinned-addresses.js';

/** draft-ietf-oauth-client-id-metadata-document §6.6 recommends 5 kilobytes at most. */
export const MAX_DOCUMENT_BYTES = 5 * 1024;

/** How documents are fetched. */
export interface FetchRules {
  /** Hosts (lower case, IPv6 without brackets) that may resolve to private or loopback addresses. */
  allowedHosts: ReadonlySet<string>;
  timeoutMs: number;
  resolve: Resolver;
  /** Trusted CA certificates (PEM) instead of Node's default store; default that store. */
  ca?: readonly string[];
}

/** A fetched document: its JSON object and the freshness its server gave it (RFC 9111 §5.2.2.1), if any. */
export interface FetchedDocument {
  document: Record<string, unknown>;
  /** `Cache-Control: max-age` minus `Age`, in seconds; 0 for `no-store` / `no-cache`; absent without either. */
  maxAgeSeconds?: number;
}

/**
 * Fetches a client metadata document (draft-ietf-oauth-client-id-metadata-document §4): the
 * addresses are checked before any connection and the connection goes to a checked one
 * (no DNS rebinding); size and time bounded; no redirect followed; only a 200 JSON object.
 * Throws `MetadataDocumentError` with a public reason.
 */
export async function fetchDocument(url: URL, rules: FetchRules): Promise<FetchedDocument> {
  const addresses = await checkedAddresses(url, rules.allowedHosts, rules.resolve, rules.timeoutMs);
  const agent = new Agent({
    connect: {
      lookup: pinnedLookup(addresses),
      ...(rules.ca === undefined ? {} : { ca: [...rules.ca] }),
    },
    pipelining: 0,
  });
  const fetchBounded = createBoundedFetch('client metadata document', undefined, rules.timeoutMs, {
    maxBodyBytes: MAX_DOCUMENT_BYTES,
    dispatcher: agent,
  });
  let response: Response;
  try {
    response = await fetchBounded(url.href, { method: 'GET', headers: { accept: 'application/json' } });
  } catch (error) {
    throw transportProblem(error, rules.timeoutMs);
  } finally {
    await agent.destroy().catch(() => {});
  }
  if (response.status >= 300 && response.status < 400)
    throw new MetadataDocumentError(
      `its server answered with a redirect (HTTP ${response.status}); redirects are not followed`,
    );
  if (response.status !== 200)
    throw new MetadataDocumentError(`its server answered HTTP ${response.status} instead of 200`);
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type))
    throw new MetadataDocumentError(
      `it is served as ${type === '' ? 'no content type' : type}, not application/json`,
    );
  let document: unknown;
  try {
    document = JSON.parse(await response.text());
  } catch {
    throw new MetadataDocumentError('it is not valid JSON');
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document))
    throw new MetadataDocumentError('it is not a JSON object');
  const maxAgeSeconds = freshness(response.headers);
  return {
    document: document as Record<string, unknown>,
    ...(maxAgeSeconds === undefined ? {} : { maxAgeSeconds }),
  };
}

/** RFC 9111 §5.2.2: `no-store` and `no-cache` say 0, else `max-age` less the `Age` already spent. */
function freshness(headers: Headers): number | undefined {
  const directives = (headers.get('cache-control') ?? '')
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (directives.includes('no-store') || directives.includes('no-cache')) return 0;
  const maxAge = directives.map((d) => /^max-age="?(\d{1,10})"?$/.exec(d)?.[1]).find((v) => v !== undefined);
  if (maxAge === undefined) return undefined;
  const age = Number(/^\d{1,10}$/.exec(headers.get('age')?.trim() ?? '')?.[0] ?? 0);
  return Math.max(0, Number(maxAge) - age);
}

function transportProblem(error: unknown, timeoutMs: number): MetadataDocumentError {
  if (error instanceof UpstreamError) {
    if (error.code === 'ERR_UPSTREAM_TIMEOUT')
      return new MetadataDocumentError(`its server did not answer within ${timeoutMs} ms`, { cause: error });
    if (error.code === 'ERR_UPSTREAM_MALFORMED_RESPONSE')
      return new MetadataDocumentError(`it is larger than ${MAX_DOCUMENT_BYTES} bytes`, { cause: error });
    // The cause holds only the error's name and code (e.g. ECONNREFUSED, CERT_HAS_EXPIRED).
    const code = /\(([A-Za-z0-9_]+)\)$/.exec(String((error.cause as Error | undefined)?.message ?? ''))?.[1];
    return new MetadataDocumentError(
      `its server could not be reached${code === undefined ? '' : ` (${code})`}`,
      {
        cause: error,
      },
    );
  }
  return new MetadataDocumentError('its server could not be reached', { cause: error });
}
