import {
  type ChainRun,
  CLIENT_REDIRECT,
  clientAuth,
  type FlowClient,
  insecure,
  registerClient,
} from '@auth/test-kit';
import * as oauth from 'oauth4webapi';
import { expect } from 'vitest';
import type { Harness } from './gateway-harness.js';

/** Discovery and dynamic registration of a client at the harness (public by default). */
export function registeredClient(h: Harness, metadata: Record<string, unknown> = {}): Promise<FlowClient> {
  return registerClient(h.issuer, metadata);
}

/**
 * Redeems the code of a chain run once (state and `iss` checked first), answering the raw token
 * response: for tests that redeem a code more than once.
 */
export async function redeemCode(
  fc: FlowClient,
  run: ChainRun,
): Promise<{ status: number; body: Record<string, string> }> {
  const params = oauth.validateAuthResponse(fc.as, fc.client, run.callback, run.request.state);
  const response = await oauth.authorizationCodeGrantRequest(
    fc.as,
    fc.client,
    clientAuth(fc.client),
    params,
    run.request.redirectUri,
    run.request.verifier,
    insecure,
  );
  return { status: response.status, body: (await response.json()) as Record<string, string> };
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
