import { isLoopbackHost } from '@auth/protocol';

function parse(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** True for a URL on a loopback host: `127.0.0.0/8`, `[::1]` or `localhost` (RFC 8252 §7.3, §8.3). */
export function isLoopbackUrl(url: URL): boolean {
  return isLoopbackHost(url.hostname);
}

/**
 * Whether `requested` matches one of the registered redirect URIs: exact string
 * match, except that a loopback `http` redirect URI matches on any port (RFC 8252 §7.3).
 */
export function matchRedirectUri(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  const url = parse(requested);
  if (url === undefined || url.protocol !== 'http:' || !isLoopbackUrl(url)) return false;
  const bare = stripPort(requested);
  return registered.some((candidate) => {
    const reg = parse(candidate);
    return (
      reg !== undefined && reg.protocol === 'http:' && isLoopbackUrl(reg) && stripPort(candidate) === bare
    );
  });
}

/** The URI as written, without the port of its loopback authority (only the port may change). */
function stripPort(value: string): string {
  return value.replace(/^(http:\/\/(?:127(?:\.\d{1,3}){3}|\[::1\]|localhost))(?::\d{1,5})?(?=[/?]|$)/i, '$1');
}

/** Why a redirect URI cannot be registered (RFC 7591 §2, RFC 9700 §4.1), or `undefined` when it can. */
export function redirectUriProblem(value: string): string | undefined {
  if (value.length > 2048) return 'redirect URI is too long';
  const url = parse(value);
  if (url === undefined) return 'redirect URI is not an absolute URL';
  if (value.includes('#')) return 'redirect URI must not contain a fragment';
  if (url.username !== '' || url.password !== '') return 'redirect URI must not contain credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackUrl(url)) return undefined;
  return 'redirect URI must use https, or http on a loopback host';
}
