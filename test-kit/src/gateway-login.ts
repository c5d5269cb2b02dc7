import type * as oauth from 'oauth4webapi';
import { type BrowseOptions, browse, type Ride } from './browse.js';
import type { Browser } from './browser.js';
import {
  type AuthorizationRequest,
  authorizationRequest,
  discover,
  redeem,
  register,
} from './oauth-client.js';

/** The test clients' redirect URI (nothing listens there: every walk stops before it). */
export const CLIENT_REDIRECT = 'http://127.0.0.1:8765/callback';

/** A client registered at a gateway, with the gateway's metadata. */
export interface FlowClient {
  as: oauth.AuthorizationServer;
  client: oauth.Client & { client_secret?: string };
}

/**
 * RFC 8414 discovery and RFC 7591 registration at `issuer`: a public client redirecting to
 * {@link CLIENT_REDIRECT}, unless `metadata` says otherwise.
 */
export async function registerClient(
  issuer: string,
  metadata: Record<string, unknown> = {},
): Promise<FlowClient> {
  const as = await discover(issuer);
  const client = await register(as, {
    redirect_uris: [CLIENT_REDIRECT],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    client_name: 'Test Client',
    ...metadata,
  });
  return { as, client };
}

/** One authorization request and the walk of the browser through the chain. */
export interface ChainRun {
  request: AuthorizationRequest;
  ride: Ride;
  /** The callback URL the client received (or where the walk stopped). */
  callback: URL;
}

/** Options of {@link runChain}: the walk's, and the redirect URI (default {@link CLIENT_REDIRECT}). */
export type RunChainOptions = BrowseOptions & { redirectUri?: string };

/**
 * Sends the browser from an authorization request (PKCE S256, state, nonce; scope
 * `openid offline_access` unless `params` says otherwise) through consent and every
 * upstream leg, stopping at the client's redirect URI.
 */
export async function runChain(
  fc: FlowClient,
  params: Record<string, string | string[]> = {},
  options: RunChainOptions = {},
): Promise<ChainRun> {
  const { redirectUri = CLIENT_REDIRECT, ...walk } = options;
  const request = await authorizationRequest(fc.as, fc.client, redirectUri, {
    scope: 'openid offline_access',
    ...params,
  });
  const ride = await browse(request.url, { stopAt: redirectUri, ...walk });
  return { request, ride, callback: ride.final };
}

/**
 * A whole successful login: {@link runChain}, then the code redeemed with oauth4webapi
 * (state and `iss` checked per RFC 9207, the ID token's nonce when `openid` was asked).
 */
export async function login(
  fc: FlowClient,
  params: Record<string, string | string[]> = {},
  options: RunChainOptions & { resource?: string } = {},
): Promise<ChainRun & { tokens: oauth.TokenEndpointResponse }> {
  const { resource, ...rest } = options;
  const run = await runChain(fc, params, rest);
  if (!run.ride.stopped || run.callback.searchParams.get('error') !== null)
    throw new Error(`the login ended at ${run.callback.href} (HTTP ${run.ride.status ?? 'redirect'})`);
  const tokens = await redeem(fc.as, fc.client, run.callback, run.request, resource);
  return { ...run, tokens };
}

/** What {@link loginThroughGateway} did and got. */
export interface GatewayLogin extends ChainRun {
  clientId: string;
  code: string;
  tokens: oauth.TokenEndpointResponse;
  /** The consent and IdP login pages answered, in order. */
  pages: Ride['pages'];
  browser: Browser;
}

/**
 * A public client registers itself at `issuer` and logs in through the whole chain as
 * `username` (every IdP login form is filled in), then redeems the code.
 */
export async function loginThroughGateway(
  issuer: string,
  options: { username: string; scope?: string; browser?: Browser },
): Promise<GatewayLogin> {
  const redirectUri = 'http://127.0.0.1:61999/cb';
  const fc = await registerClient(issuer, { client_name: 'e2e public client', redirect_uris: [redirectUri] });
  const run = await login(
    fc,
    { scope: options.scope ?? 'openid offline_access' },
    { redirectUri, username: options.username, ...(options.browser ? { browser: options.browser } : {}) },
  );
  return {
    ...run,
    clientId: fc.client.client_id,
    code: run.callback.searchParams.get('code') ?? '',
    pages: run.ride.pages,
    browser: run.ride.browser,
  };
}
