import { randomBytes } from 'node:crypto';
import type { UpstreamClient, UpstreamLegParameters } from '../upstream-client.js';

/** A fresh leg as the chain would generate it. */
export function newLeg(provider = 'corp'): UpstreamLegParameters {
  return {
    redirectUri: `http://127.0.0.1:9/oauth/callback/${provider}`,
    state: randomBytes(16).toString('base64url'),
    codeVerifier: randomBytes(32).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
  };
}

/**
 * Follows the authorization request to the (auto-login) IdP and returns the callback URL it
 * redirects to, as the browser would deliver it to the gateway.
 */
export async function authorize(client: UpstreamClient, leg: UpstreamLegParameters): Promise<URL> {
  const url = await client.authorizationUrl(leg);
  const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
  await response.arrayBuffer();
  const location = response.headers.get('location');
  if (response.status < 300 || response.status > 399 || location === null) {
    throw new Error(`expected a redirect from the IdP, got HTTP ${response.status}`);
  }
  return new URL(location, url);
}

/** Runs a promise expected to reject and returns the rejection. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
