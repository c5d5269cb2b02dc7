import { OAuthError } from './oauth-error.js';

/** A request's parameters: the query string, or the urlencoded body. */
export type Params = Record<string, unknown>;

/** Reads one parameter; a repeated one is `invalid_request` (RFC 6749 §3.1). Empty counts as absent. */
export function param(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new OAuthError('invalid_request', `${name} must be given once`);
  return value === '' ? undefined : value;
}

/** Merges query and body parameters for the request log. */
export function allParams(query: unknown, body: unknown): Params {
  const out: Params = {};
  for (const source of [query, body]) {
    if (typeof source === 'object' && source !== null && !Array.isArray(source)) Object.assign(out, source);
  }
  return out;
}
