/** A socket address to listen on: `host` as `net.Server#listen` takes it (IPv6 without brackets). */
export interface ListenAddress {
  host: string;
  port: number;
}

// `HOST:PORT`: an IPv4 address or a name (RFC 1123 labels), or an IPv6 address in brackets (RFC 3986 §3.2.2).
const LISTEN_PATTERN = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)):(\d{1,5})$/;

/** The problem with `value` as a listen address, or undefined when it is one. */
export function listenAddressProblem(value: string): string | undefined {
  return parseListenAddress(value) === undefined
    ? 'must be HOST:PORT, e.g. 0.0.0.0:8080, 127.0.0.1:8080 or [::]:8080 (port 0 to 65535)'
    : undefined;
}

/**
 * Parses `HOST:PORT` (`0.0.0.0:8080`, `[::]:8080`, `localhost:0`); undefined when it is not one.
 * The host is returned without brackets; it is not resolved here.
 */
export function parseListenAddress(value: string): ListenAddress | undefined {
  const match = LISTEN_PATTERN.exec(value.trim());
  if (match === null) return undefined;
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  if (port > 65_535) return undefined;
  if (match[1] !== undefined && !URL.canParse(`http://[${host}]/`)) return undefined;
  return { host, port };
}

/** `host:port` with an IPv6 host in brackets, as in a URL. */
export function formatListenAddress(address: ListenAddress): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}
