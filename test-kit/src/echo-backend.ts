import { createServer, type IncomingMessage } from 'node:http';
import { listen } from './listen.js';

/** What the echo backend saw of one request. */
export interface EchoedRequest {
  backend: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The header lines exactly as received (name, value, name, value, …). */
  rawHeaders: string[];
  body: string;
  /**
   * With `watchIssuer`: the (lower-case) names of the headers that carried a JWT whose `iss` is that
   * issuer, e.g. the gateway's own access token; `[]` when none did.
   */
  jwtFrom?: string[];
}

/** A running echo backend. */
export interface EchoBackend {
  url: string;
  /** Every request received, in order. */
  received: EchoedRequest[];
  close(): Promise<void>;
}

/** A compact JWS anywhere in a header value (`Bearer eyJ…`, a bare token, a list). */
const COMPACT_JWS = /[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;

/** The issuer of a JWT (read, not verified), or undefined when `value` is not one. */
function jwtIssuer(value: string): string | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(value.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const iss = (payload as { iss?: unknown } | null)?.iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** The names of the headers of `rawHeaders` carrying a JWT of `issuer`, each once, in order. */
function headersWithJwtOf(rawHeaders: readonly string[], issuer: string): string[] {
  const names = new Set<string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const value = rawHeaders[i + 1] ?? '';
    if ([...value.matchAll(COMPACT_JWS)].some(([token]) => jwtIssuer(token) === issuer))
      names.add((rawHeaders[i] ?? '').toLowerCase());
  }
  return [...names];
}

/**
 * A stand-in MCP backend for the demo and the tests: it answers every request with a
 * JSON echo of what it received (method, path, headers, raw header lines, body); a path
 * ending in `/sse` with `count` server-sent events `interval_ms` apart, one ending in
 * `/slow` after `ms` milliseconds. Port 0 (a free one) unless given. With `watchIssuer` each answer
 * also says which headers carried a JWT of that issuer (`jwtFrom`), so a demo can show that no
 * backend saw the gateway's token.
 */
export async function startEchoBackend(
  options: {
    name: string;
    port?: number;
    host?: string;
    sseIntervalMs?: number;
    /** Report in each answer's `jwtFrom` which headers carried a JWT of this issuer (the gateway's). */
    watchIssuer?: string;
  } = { name: 'echo' },
): Promise<EchoBackend> {
  const received: EchoedRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // the client went away before the whole body arrived: nothing to answer
    }
    // Read as a path (`new URL('//', base)` would throw): its end and its query only.
    const [pathname = '/', search = ''] = (req.url ?? '/').split('?');
    const url = { pathname, searchParams: new URLSearchParams(search) };
    const echoed: EchoedRequest = {
      backend: options.name,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body: Buffer.concat(chunks).toString('utf8'),
      ...(options.watchIssuer === undefined
        ? {}
        : { jwtFrom: headersWithJwtOf(req.rawHeaders, options.watchIssuer) }),
    };
    received.push(echoed);
    if (url.pathname.endsWith('/sse')) {
      const count = Math.min(Number(url.searchParams.get('count') ?? 3) || 3, 20);
      const interval = Number(url.searchParams.get('interval_ms') ?? options.sseIntervalMs ?? 1000);
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      for (let i = 1; i <= count; i += 1) {
        res.write(`id: ${i}\nevent: tick\ndata: ${JSON.stringify({ n: i, at: Date.now() })}\n\n`);
        if (i < count) await new Promise((resolve) => setTimeout(resolve, interval));
      }
      res.end();
      return;
    }
    if (url.pathname.endsWith('/slow')) {
      const delay = Math.min(Number(url.searchParams.get('ms') ?? 1000) || 1000, 30_000);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(echoed));
  });
  const { url, close } = await listen(server, {
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
  });
  return { url, received, close };
}
