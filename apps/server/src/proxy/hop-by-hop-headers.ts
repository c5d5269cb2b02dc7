import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { type ForwardedFields, isForwardingField } from './forwarded-headers.js';

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

/**
 * Request fields a proxy does not pass on as received: `Expect` (answered by the gateway's own
 * server, 100-continue) and the connection descriptions a client can forge (replaced by the
 * gateway's own).
 */
const REQUEST_ONLY = { has: (name: string) => name === 'expect' || isForwardingField(name) };

function connectionOptions(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const names = (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'close' && name !== 'keep-alive');
  return names.length === 0 ? undefined : new Set(names);
}

/** A copy of `headers` without hop-by-hop fields and without those `skip` has (lowercase names). */
function endToEnd(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
  skip: { has(name: string): boolean } | undefined,
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
 * What the gateway sends a backend: the client's end-to-end fields with `Host` set to the backend
 * (the origin the backend serves), `Forwarded`, `X-Forwarded-*` and `X-Real-IP` replaced by the
 * gateway's own `forwarded` fields, and without `Expect` (answered by the gateway's own server).
 */
export function requestHeadersForBackend(
  headers: IncomingHttpHeaders,
  backendHost: string,
  forwarded: ForwardedFields,
): Record<string, string | string[]> {
  const out = endToEnd(headers, REQUEST_ONLY);
  Object.assign(out, forwarded);
  out['host'] = backendHost;
  return out;
}

/** What the gateway sends the client of a backend's response: its end-to-end fields. */
export function responseHeadersForClient(
  headers: Record<string, string | string[] | undefined>,
): OutgoingHttpHeaders {
  return endToEnd(headers, undefined);
}
