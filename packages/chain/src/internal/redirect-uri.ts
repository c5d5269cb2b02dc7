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

/**
 * Single-word schemes of well-known native MCP clients (RFC 8252 §7.1 asks for reverse-domain
 * schemes, but these apps predate that and are common): listed, not guessed, so no scheme a
 * browser or the OS gives a meaning to (`javascript:`, `data:`, `file:`, `ms-msdt:` …) can pass.
 */
export const NATIVE_APP_SCHEMES: readonly string[] = ['cursor', 'vscode', 'vscode-insiders', 'windsurf'];

/** RFC 3986 §3.1 scheme syntax, with at least one dot: a reverse-domain private-use scheme (RFC 8252 §7.1). */
const REVERSE_DOMAIN_SCHEME = /^[a-z][a-z0-9+-]*(?:\.[a-z0-9+-]+)+$/;

/**
 * The private-use scheme of a native app's redirect URI (RFC 8252 §7.1), without the colon:
 * a reverse-domain scheme (`com.example.app`) or one of {@link NATIVE_APP_SCHEMES};
 * `undefined` for any other URI (https, loopback http, or a refused scheme).
 */
export function nativeAppScheme(value: string): string | undefined {
  const url = parse(value);
  if (url === undefined) return undefined;
  const scheme = url.protocol.slice(0, -1);
  return REVERSE_DOMAIN_SCHEME.test(scheme) || NATIVE_APP_SCHEMES.includes(scheme) ? scheme : undefined;
}

/**
 * Why a redirect URI cannot be registered (RFC 7591 §2, RFC 9700 §4.1), or `undefined` when it can:
 * `https`, `http` on a loopback host (RFC 8252 §7.3), or a native app's private-use scheme
 * (RFC 8252 §7.1, {@link nativeAppScheme}); never a fragment or credentials.
 */
export function redirectUriProblem(value: string): string | undefined {
  if (value.length > 2048) return 'redirect URI is too long';
  const url = parse(value);
  if (url === undefined) return 'redirect URI is not an absolute URL';
  if (value.includes('#')) return 'redirect URI must not contain a fragment';
  if (url.username !== '' || url.password !== '') return 'redirect URI must not contain credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackUrl(url)) return undefined;
  if (nativeAppScheme(value) !== undefined) {
    // Something must follow the scheme for the app to route the answer (RFC 8252 §7.1: `com.example.app:/cb`).
    if (url.pathname.replace(/^\/+/, '') === '' && url.host === '')
      return 'redirect URI of a native app needs a path after its scheme';
    return undefined;
  }
  return 'redirect URI must use https, http on a loopback host, or a native app scheme (reverse-domain, e.g. com.example.app:/callback)';
}
