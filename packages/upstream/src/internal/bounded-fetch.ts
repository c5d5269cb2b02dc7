import { UpstreamError } from '../upstream-error.js';
import { safeCause } from './safe-cause.js';

/** Upstream answers larger than this are refused (no IdP token or userinfo answer comes close). */
const MAX_BODY_BYTES = 1024 * 1024;

/** The request parts this package sends (a subset of `RequestInit`, shaped to fit openid-client's `customFetch`). */
export interface BoundedRequest {
  method: string;
  headers?: RequestInit['headers'];
  body?: RequestInit['body'] | undefined;
  signal?: AbortSignal | undefined;
}

/** `fetch` as this package uses it: a deadline over headers and body, a buffered bounded body, typed failures. */
export type BoundedFetch = (url: string, init: BoundedRequest) => Promise<Response>;

/**
 * Wraps `fetch` so that every upstream call ends within `timeoutMs` (body included),
 * never follows redirects, and fails only with `UpstreamError`
 * (`ERR_UPSTREAM_TIMEOUT`, `ERR_UPSTREAM_NETWORK`, `ERR_UPSTREAM_MALFORMED_RESPONSE`).
 * The returned `Response` holds the whole body in memory.
 */
export function createBoundedFetch(
  provider: string,
  fetchImpl: typeof fetch,
  timeoutMs: number,
): BoundedFetch {
  return async (url, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const where = describe(url);
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: init.method,
        ...(init.headers !== undefined && { headers: init.headers }),
        ...(init.body !== undefined && { body: init.body }),
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      throw transportError(provider, where, timeoutMs, error, signal);
    }
    let body: Uint8Array | null;
    try {
      body = await readBounded(provider, where, response);
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      throw transportError(provider, where, timeoutMs, error, signal);
    }
    const nullBody = response.status === 204 || response.status === 205 || response.status === 304;
    try {
      return new Response(nullBody ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      throw new UpstreamError(
        provider,
        'ERR_UPSTREAM_UNEXPECTED_STATUS',
        `upstream "${provider}" answered ${where} with an unusable HTTP status`,
        { status: response.status, cause: safeCause(error) },
      );
    }
  };
}

async function readBounded(provider: string, where: string, response: Response): Promise<Uint8Array | null> {
  if (response.body === null) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw new UpstreamError(
        provider,
        'ERR_UPSTREAM_MALFORMED_RESPONSE',
        `upstream "${provider}" answered ${where} with a body over ${MAX_BODY_BYTES} bytes`,
        { status: response.status },
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function transportError(
  provider: string,
  where: string,
  timeoutMs: number,
  error: unknown,
  signal: AbortSignal,
): UpstreamError {
  if (signal.aborted) {
    return new UpstreamError(
      provider,
      'ERR_UPSTREAM_TIMEOUT',
      `upstream "${provider}" did not answer ${where} within ${timeoutMs} ms`,
      { cause: safeCause(error) },
    );
  }
  return new UpstreamError(
    provider,
    'ERR_UPSTREAM_NETWORK',
    `upstream "${provider}" is unreachable at ${where}`,
    {
      cause: safeCause(error),
    },
  );
}

/** Origin and path only: a query string is never echoed. */
function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'an invalid URL';
  }
}
