/** Separates a backend's name from its tool or prompt name: `corp__search`. */
export const NAME_SEPARATOR = '__';
/** Separates a backend's name from a resource URI: `corp+file:///notes.txt` (a valid URI scheme). */
export const URI_SEPARATOR = '+';

/** `corp`, `search` → `corp__search`. */
export function prefixName(backend: string, name: string): string {
  return `${backend}${NAME_SEPARATOR}${name}`;
}

/** `corp__search` → `{ backend: 'corp', name: 'search' }`; undefined without a prefix. Names hold no `_`. */
export function splitPrefixedName(prefixed: string): { backend: string; name: string } | undefined {
  const at = prefixed.indexOf(NAME_SEPARATOR);
  if (at <= 0) return undefined;
  return { backend: prefixed.slice(0, at), name: prefixed.slice(at + NAME_SEPARATOR.length) };
}

/** `corp`, `file:///a` → `corp+file:///a` (also for RFC 6570 URI templates). */
export function prefixUri(backend: string, uri: string): string {
  return `${backend}${URI_SEPARATOR}${uri}`;
}

/** `corp+file:///a` → `{ backend: 'corp', uri: 'file:///a' }`; undefined without a prefix. Names hold no `+`. */
export function splitPrefixedUri(prefixed: string): { backend: string; uri: string } | undefined {
  const at = prefixed.indexOf(URI_SEPARATOR);
  if (at <= 0) return undefined;
  return { backend: prefixed.slice(0, at), uri: prefixed.slice(at + URI_SEPARATOR.length) };
}
