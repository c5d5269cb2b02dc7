import { type Dispatcher, request } from 'undici';
import { UpstreamError } from '../upstream-error.js';
import { safeCause } from './safe-cause.js';

/** Upstream answers larger than this are refused by default (no IdP token or userinfo answer comes close). */
const MAX_BODY_BYTES = 1024 * 1024;

/** Options of {@link createBoundedFetch} beyond the deadline. */
export interface BoundedFetchOptions {
  /** Bodies larger than this are refused (`ERR_UPSTREAM_MALFORMED_RESPONSE`); default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * The undici dispatcher of the default transport (e.g. an `Agent` whose `connect.lookup`
   * checks and pins addresses); default Node's shared pool. Not used with an injected `fetch`.
   */
  dispatcher?: Dispatcher;
}

/** The request parts this package sends (a subset of `RequestInit`, shaped to fit openid-client's `customFetch`). */
export interface BoundedRequest {
  method: string;
  headers?: RequestInit['headers'];
  body?: RequestInit['body'] | undefined;
  signal?: AbortSignal | undefined;
}

/** `fetch` as this package uses it: a deadline over headers and body, a buffered bounded body, typed failures. */
export type BoundedFetch = (url: string, init: BoundedRequest) => Promise<Response>;

/** What one exchange gave: the status, the headers and the whole body (bounded). */
interface Answer {
  status: number;
  statusText: string;
  headers: Headers;
  body: Uint8Array | null;
}

/** Sends one request and reads its whole body; `tooLarge` builds the error for a body over the bound. */
type Exchange = (
  url: string,
  init: BoundedRequest,
  signal: AbortSignal,
  limit: { maxBytes: number; tooLarge: (status: number) => UpstreamError },
) => Promise<Answer>;

/**
 * Wraps `fetchImpl` (or, without one, undici's `request` over Node's shared keep-alive pool) so
 * that every upstream call ends within `timeoutMs` (body included), never follows redirects,
 * and fails only with `UpstreamError` (`ERR_UPSTREAM_TIMEOUT`, `ERR_UPSTREAM_NETWORK`,
 * `ERR_UPSTREAM_MALFORMED_RESPONSE`). The returned `Response` holds the whole body in memory.
 *
 * undici's `request` is the default because the WHATWG `fetch` machinery (request and
 * response objects, web streams) cost about 0.4 ms of CPU per call more, three or more times
 * per login; a caller that injects `fetch` gets exactly that `fetch`.
 */
export function createBoundedFetch(
  provider: string,
  fetchImpl: typeof fetch | undefined,
  timeoutMs: number,
  options: BoundedFetchOptions = {},
): BoundedFetch {
  const maxBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const exchange = fetchImpl === undefined ? viaUndici(options.dispatcher) : viaFetch(fetchImpl);
  return async (url, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const where = describe(url);
    const tooLarge = (status: number) =>
      new UpstreamError(
        provider,
        'ERR_UPSTREAM_MALFORMED_RESPONSE',
        `upstream "${provider}" answered ${where} with a body over ${maxBytes} bytes`,
        { status },
      );
    let answer: Answer;
    try {
      answer = await exchange(url, init, signal, { maxBytes, tooLarge });
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      throw transportError(provider, where, timeoutMs, error, signal);
    }
    const nullBody = answer.status === 204 || answer.status === 205 || answer.status === 304;
    try {
      return new Response(nullBody ? null : answer.body, {
        status: answer.status,
        statusText: answer.statusText,
        headers: answer.headers,
      });
    } catch (error) {
      throw new UpstreamError(
        provider,
        'ERR_UPSTREAM_UNEXPECTED_STATUS',
        `upstream "${provider}" answered ${where} with an unusable HTTP status`,
        { status: answer.status, cause: safeCause(error) },
      );
    }
  };
}

function viaFetch(fetchImpl: typeof fetch): Exchange {
  return async (url, init, signal, limit) => {
    const response = await fetchImpl(url, {
      method: init.method,
      ...(init.headers !== undefined && { headers: init.headers }),
      ...(init.body !== undefined && { body: init.body }),
      redirect: 'manual',
      signal,
    });
    const body = await readBounded(response, limit.maxBytes, limit.tooLarge);
    return { status: response.status, statusText: response.statusText, headers: response.headers, body };
  };
}

const viaUndici =
  (dispatcher: Dispatcher | undefined): Exchange =>
  async (url, init, signal, limit) => {
    const headers: Record<string, string> = {};
    if (init.headers !== undefined) {
      for (const [name, value] of new Headers(init.headers)) headers[name] = value;
    }
    let body: string | Uint8Array | undefined;
    if (init.body instanceof URLSearchParams) {
      body = init.body.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    } else if (typeof init.body === 'string' || init.body instanceof Uint8Array) {
      body = init.body;
    } else if (init.body !== undefined && init.body !== null) {
      throw new TypeError('unsupported request body');
    }
    const response = await request(url, {
      method: init.method as Dispatcher.HttpMethod,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(dispatcher === undefined ? {} : { dispatcher }),
      signal,
    });
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > limit.maxBytes) {
        response.body.destroy();
        throw limit.tooLarge(response.statusCode);
      }
      chunks.push(chunk);
    }
    const answerHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (Array.isArray(value)) for (const one of value) answerHeaders.append(name, one);
      else if (value !== undefined) answerHeaders.set(name, value);
    }
    return {
      status: response.statusCode,
      statusText: '',
      headers: answerHeaders,
      body: Buffer.concat(chunks),
    };
  };

async function readBounded(
  response: Response,
  maxBytes: number,
  tooLarge: (status: number) => UpstreamError,
): Promise<Uint8Array | null> {
  if (response.body === null) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(response.status);
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
