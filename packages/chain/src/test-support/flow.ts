import type * as oauth from 'oauth4webapi';
import { expect } from 'vitest';
import { type BrowseOptions, type BrowseResult, browse } from './browser.js';
import { CookieJar } from './cookie-jar.js';
import type { Harness } from './gateway-harness.js';
import {
  type AuthorizationRequest,
  authorizationRequest,
  discover,
  redeem,
  register,
} from './oauth-client.js';

export const CLIENT_REDIRECT = 'http://127.0.0.1:8765/callback';

export interface FlowClient {
  as: oauth.AuthorizationServer;
  client: oauth.Client & { client_secret?: string };
}

/** Discovery and dynamic registration of a client (public by default). */
export async function registeredClient(
  h: Harness,
  metadata: Record<string, unknown> = {},
): Promise<FlowClient> {
  const as = await discover(h.issuer);
  const client = await register(as, {
    redirect_uris: [CLIENT_REDIRECT],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    client_name: 'Test Client',
    ...metadata,
  });
  return { as, client };
}

export interface ChainRun {
  request: AuthorizationRequest;
  ride: BrowseResult;
  /** The callback URL the client received. */
  callback: URL;
}

/** Runs authorize → consent → every leg, stopping at the client's redirect URI. */
export async function runChain(
  fc: FlowClient,
  params: Record<string, string | string[]> = {},
  options: Partial<BrowseOptions> & { redirectUri?: string } = {},
): Promise<ChainRun> {
  const redirectUri = options.redirectUri ?? CLIENT_REDIRECT;
  const request = await authorizationRequest(fc.as, fc.client, redirectUri, {
    scope: 'openid offline_access',
    ...params,
  });
  const ride = await browse(request.url, { jar: new CookieJar(), stopAt: redirectUri, ...options });
  return { request, ride, callback: ride.final };
}

/** A full successful login: chain, then code redemption with oauth4webapi. */
export async function login(
  fc: FlowClient,
  params: Record<string, string | string[]> = {},
  options: Partial<BrowseOptions> & { resource?: string } = {},
): Promise<ChainRun & { tokens: oauth.TokenEndpointResponse }> {
  const run = await runChain(fc, params, options);
  expect(run.callback.searchParams.get('error'), run.callback.href).toBeNull();
  const tokens = await redeem(fc.as, fc.client, run.callback, run.request, options.resource);
  return { ...run, tokens };
}

/** Asserts an authorization error response with its `state` and `iss` (RFC 9207). */
export function expectErrorRedirect(run: ChainRun, error: string, issuer: string): void {
  expect(run.callback.href.startsWith(CLIENT_REDIRECT), `ended at ${run.callback.href}`).toBe(true);
  expect(run.callback.searchParams.get('error')).toBe(error);
  expect(run.callback.searchParams.get('state')).toBe(run.request.state);
  expect(run.callback.searchParams.get('iss')).toBe(issuer);
  expect(run.callback.searchParams.get('code')).toBeNull();
}

/**
 * No log line holds a token, code or secret: the given values, the configured secrets, and
 * anything an IdP issued (every mock IdP code and token starts with its `tokenPrefix`).
 */
export function expectNoLeaks(h: Harness, values: Iterable<string | undefined>): void {
  const list = [...values].filter((v): v is string => typeof v === 'string');
  const prefixes = Object.values(h.idps).map((idp) => idp.tokenPrefix);
  expect(h.logs.leaks([...list, ...h.secrets, ...prefixes])).toEqual([]);
}
