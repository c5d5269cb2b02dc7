// RFC 3986 Appendix B, with the authority required: scheme, authority, path, query, fragment.
const URI = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/;
// RFC 3986 §3.2.2 / §3.2.3: an IP literal or a reg-name, then an optional port.
const AUTHORITY = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d*))?$/;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

/**
 * The comparison form of an RFC 8707 resource: RFC 3986 §6.2.2.1 case normalization of scheme
 * and host, and §6.2.3 an empty or default port dropped; path and query compared as written.
 * `undefined` for what is no resource indicator (relative, with userinfo or a fragment, RFC 8707 §2).
 */
export function resourceKey(value: string): string | undefined {
  const parts = URI.exec(value);
  if (parts === null || parts[5] !== undefined) return undefined;
  const scheme = parts[1]!.toLowerCase();
  const authority = AUTHORITY.exec(parts[2]!);
  if (authority === null || authority[1] === '') return undefined;
  const host = authority[1]!.toLowerCase();
  const digits = authority[2] ?? '';
  const port = digits === '' ? '' : String(Number.parseInt(digits, 10));
  const kept = port === '' || port === DEFAULT_PORTS[scheme] ? '' : `:${port}`;
  return `${scheme}://${host}${kept}${parts[3]!}${parts[4] ?? ''}`;
}

/** The configured resource `requested` names after normalization (its configured spelling), or `undefined`. */
export function findResource(configured: readonly string[], requested: string): string | undefined {
  const key = resourceKey(requested);
  if (key === undefined) return undefined;
  return configured.find((resource) => resourceKey(resource) === key);
}

/** `requested` in the configured spelling where one matches (others as given), without repeats. */
export function canonicalResources(configured: readonly string[], requested: readonly string[]): string[] {
  return [...new Set(requested.map((value) => findResource(configured, value) ?? value))];
}
