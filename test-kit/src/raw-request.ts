import { type Agent, type IncomingHttpHeaders, request } from 'node:http';

/** Options of {@link rawRequest}. */
export interface RawRequestOptions {
  method?: string;
  /** The request target exactly as sent: dot segments, `%2e`, `%2F` and backslashes are not touched. */
  path?: string;
  /** Exactly these fields (plus `Host`, and the body's framing). */
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** A keep-alive agent to reuse connections; default: a fresh connection (`agent: false`). */
  agent?: Agent | false;
  /** The local address to connect from (e.g. `127.0.0.2`, to be another peer on loopback). */
  localAddress?: string;
}

/** What {@link rawRequest} received. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP/1.1 request through `node:http` with its target and fields exactly as given:
 * fetch (WHATWG URL) would resolve dot segments and add and drop fields.
 */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const { host, port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: { host, ...options.headers },
        agent: options.agent ?? false,
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
