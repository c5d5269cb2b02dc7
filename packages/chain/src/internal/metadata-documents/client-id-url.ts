/** Whether a `client_id` is a URL (`http:` or `https:`): a client identified by its metadata document. */
export function isClientIdUrl(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId);
}

/**
 * Why a URL cannot identify a client (draft-ietf-oauth-client-id-metadata-document §3): it must
 * use `https`, have a path other than `/`, no `.` or `..` segment, no fragment and no
 * credentials. A query string is allowed (the draft's SHOULD NOT is the client's).
 */
export function clientIdUrlProblem(clientId: string): string | undefined {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return 'the client_id is not a valid URL';
  }
  if (url.protocol !== 'https:') return 'a client_id URL must use https';
  if (clientId.includes('#')) return 'a client_id URL must not contain a fragment';
  if (url.username !== '' || url.password !== '') return 'a client_id URL must not contain credentials';
  // The URL parser removes dot segments, so they are looked for in the path as written.
  const path = clientId.replace(/^https:\/\/[^/?#]*/i, '').split(/[?#]/)[0] ?? '';
  if (path === '' || path === '/') return 'a client_id URL must have a path (e.g. /client.json)';
  if (path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment)))
    return 'a client_id URL must not contain . or .. path segments';
  return undefined;
}
