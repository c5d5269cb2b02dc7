import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * Fields that describe one connection, not the message (RFC 9110 §7.6.1), plus
 * `proxy-connection` (a legacy alias). A proxy removes them, and every field the
 * `Connection` header names, before forwarding in either direction.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

/** `Expect` is answered by the gateway's own server (100-continue), never forwarded. */
const EXPECT = new Set(['expect']);

function connectionOptions(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const names = (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'close' && name !== 'keep-alive');
  return names.length === 0 ? undefined : new Set(names);
}

/** A copy of `headers` without hop-by-hop fields and without `skip` (lowercase names). */
function endToEnd(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
  skip: ReadonlySet<string> | undefined,
): Record<string, string | string[]> {
  const named = connectionOptions(headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || named?.has(name) || skip?.has(name)) continue;
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * What the gateway sends a backend: the client's end-to-end fields with `Host`
 * set to the backend (the origin the backend serves) and `X-Forwarded-*`
 * appended, as http-proxy's `xfwd` did. `Expect` is answered by the gateway's
 * own server, so it is not forwarded either.
 */
export function requestHeadersForBackend(
  headers: IncomingHttpHeaders,
  backendHost: string,
  client: { address: string | undefined; localPort: number | undefined; protocol: 'http' | 'https' },
): Record<string, string | string[]> {
  const out = endToEnd(headers, EXPECT);
  const append = (name: string, value: string) => {
    const previous = out[name];
    out[name] = previous === undefined || previous === '' ? value : `${previous},${value}`;
  };
  append('x-forwarded-for', client.address ?? '');
  append('x-forwarded-port', client.localPort === undefined ? '' : String(client.localPort));
  append('x-forwarded-proto', client.protocol);
  if (out['x-forwarded-host'] === undefined && headers.host !== undefined)
    out['x-forwarded-host'] = headers.host;
  out['host'] = backendHost;
  return out;
}

/** What the gateway sends the client of a backend's response: its end-to-end fields. */
export function responseHeadersForClient(
  headers: Record<string, string | string[] | undefined>,
): OutgoingHttpHeaders {
  return endToEnd(headers, undefined);
}
