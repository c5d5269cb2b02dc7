import { createHash, timingSafeEqual } from 'node:crypto';
import { OAuthError } from './oauth-error.js';
import { type Params, param } from './params.js';

/** How a client authenticated at the token or revocation endpoint (RFC 6749 §2.3). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface RegisteredClient {
  clientId: string;
  clientSecret: string | undefined;
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

// RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding.
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function parseBasic(header: string): { id: string; secret: string } {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match?.[1] === undefined) throw new OAuthError('invalid_client', 'malformed Basic authorization', 401);
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'malformed Basic authorization', 401);
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError('invalid_client', 'malformed Basic authorization', 401);
  }
}

/**
 * Authenticates the one registered client: `client_secret_basic`, `client_secret_post`, or
 * `none` for a public client (which then relies on PKCE). Throws `invalid_client` (401).
 */
export function authenticateClient(
  authorization: string | undefined,
  params: Params,
  client: RegisteredClient,
): ClientAuthMethod {
  const bodyId = param(params, 'client_id');
  const bodySecret = param(params, 'client_secret');
  let id = bodyId;
  let secret = bodySecret;
  let method: ClientAuthMethod = bodySecret === undefined ? 'none' : 'client_secret_post';
  if (authorization !== undefined && /^Basic\s/i.test(authorization)) {
    if (bodySecret !== undefined) {
      throw new OAuthError('invalid_request', 'use one client authentication method, not two');
    }
    const basic = parseBasic(authorization);
    if (bodyId !== undefined && bodyId !== basic.id) {
      throw new OAuthError('invalid_client', 'client_id does not match the Basic credentials', 401);
    }
    id = basic.id;
    secret = basic.secret === '' ? undefined : basic.secret;
    method = secret === undefined ? 'none' : 'client_secret_basic';
  }
  if (id === undefined) throw new OAuthError('invalid_client', 'client authentication is required', 401);
  if (id !== client.clientId) throw new OAuthError('invalid_client', 'unknown client', 401);
  if (client.clientSecret === undefined) {
    if (secret !== undefined) throw new OAuthError('invalid_client', 'this client is public: no secret', 401);
    return 'none';
  }
  if (secret === undefined || !sameSecret(secret, client.clientSecret)) {
    throw new OAuthError('invalid_client', 'client authentication failed', 401);
  }
  return method;
}
