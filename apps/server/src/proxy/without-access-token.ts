/** A query parameter's name as URL parsers read it (`+` is a space, then percent-decoding). */
function parameterName(pair: string): string {
  const index = pair.indexOf('=');
  const raw = (index === -1 ? pair : pair.slice(0, index)).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The request target without its `access_token` query parameters, however their names are
 * encoded (RFC 6750 §2.3): the gateway's JWT never reaches a backend, used or not. Every other
 * byte of the query is kept as sent.
 */
export function withoutAccessToken(target: string): string {
  const index = target.indexOf('?');
  if (index === -1) return target;
  const query = target.slice(index + 1);
  if (!query.includes('access_token') && !query.includes('%')) return target;
  const pairs = query.split('&');
  const kept = pairs.filter((pair) => parameterName(pair) !== 'access_token');
  if (kept.length === pairs.length) return target;
  const path = target.slice(0, index);
  return kept.length === 0 ? path : `${path}?${kept.join('&')}`;
}
