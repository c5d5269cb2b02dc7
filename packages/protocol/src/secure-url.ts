import { isLoopbackHost } from './loopback.js';

function tryUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * Why `value` is not an http(s) URL the gateway may talk to or be named by, or `undefined` when it
 * is: https, or http on a loopback host ({@link isLoopbackHost}); no credentials, no fragment.
 */
export function secureUrlProblem(value: string): string | undefined {
  const url = tryUrl(value);
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'must use https (http is allowed only on a loopback host: localhost, 127.0.0.0/8, [::1])';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (value.includes('#')) return 'must not contain a fragment (#)';
  return undefined;
}

/**
 * Why `value` cannot be the gateway's issuer identifier, or `undefined` when it can: an https URL
 * (or http on a loopback host) with no query, fragment or trailing slash (RFC 8414 §2), written in
 * the canonical form the URL parser gives it, so the `iss` of every token compares equal.
 */
export function issuerProblem(value: string): string | undefined {
  const problem = secureUrlProblem(value);
  if (problem !== undefined) return problem;
  const url = new URL(value);
  if (value.includes('?')) return 'must not contain a query (?)';
  if (value.endsWith('/')) return 'must not end with "/"';
  if (url.origin + url.pathname !== value && url.origin + url.pathname !== `${value}/`) {
    return 'must be written in canonical form (lower-case scheme and host, no default port, no "." segments)';
  }
  return undefined;
}
