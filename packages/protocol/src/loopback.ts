// One octet of a dotted-decimal IPv4 address as the WHATWG URL parser serializes it (no leading zeros).
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const LOOPBACK_IPV4 = new RegExp(`^127(?:\\.${OCTET}){3}$`);

/**
 * Whether `hostname`, spelled as `URL.hostname` spells it, is a loopback host: any address of
 * `127.0.0.0/8`, `[::1]`, or `localhost`. Loopback is where plain `http` is allowed (RFC 8252 §7.3
 * loopback IP literals; §8.3 keeps `localhost` usable though not recommended). Every package decides
 * "loopback" with this function, so a config `check` and a running server agree.
 *
 * Non-canonical spellings (`127.1`, `0x7f.0.0.1`) are canonicalized by the URL parser before they
 * get here; IPv4-mapped IPv6 (`[::ffff:127.0.0.1]`) and names under `localhost` are not loopback.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_IPV4.test(hostname);
}
