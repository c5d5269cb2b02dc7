import type { OAuthClient } from '@auth/storage';

/** Splits a space-delimited scope string (RFC 6749 §3.3), dropping duplicates. */
export function parseScope(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [...new Set(value.split(' ').filter((scope) => scope !== ''))];
}

/** The scopes a client may request: its registered ones, else every supported scope. */
export function allowedScopes(client: OAuthClient, supported: readonly string[]): string[] {
  const registered = client.scope === undefined ? undefined : parseScope(client.scope);
  return registered === undefined ? [...supported] : registered.filter((scope) => supported.includes(scope));
}
