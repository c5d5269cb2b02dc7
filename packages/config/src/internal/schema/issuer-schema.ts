import { checkedString, secureUrlProblem, tryUrl } from './primitives.js';

/** The gateway's issuer identifier (RFC 8414 §2): https, or http on loopback; no query, fragment or trailing slash. */
export function issuerProblem(value: string): string | undefined {
  const problem = secureUrlProblem(value);
  if (problem !== undefined) return problem;
  const url = tryUrl(value)!;
  if (value.includes('?')) return 'must not contain a query (?)';
  if (value.endsWith('/')) return 'must not end with "/"';
  if (url.origin + url.pathname !== value && url.origin + url.pathname !== `${value}/`) {
    return 'must be written in canonical form (lower-case scheme and host, no default port, no "." segments)';
  }
  return undefined;
}

export const issuerSchema = checkedString(issuerProblem, 'uri').meta({
  description:
    'Issuer identifier of the gateway (RFC 8414): https, or http on a loopback host; no query, fragment or trailing slash.',
});
