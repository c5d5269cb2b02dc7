import { Browser, completeLogin } from '@auth/test-kit';
import * as client from 'openid-client';
import type { MockIdp } from '../index.js';

export const TEST_REDIRECT = 'http://127.0.0.1:9/callback';

/** openid-client configured for a mock IdP, with ID token signatures checked. */
export async function oidcConfig(idp: MockIdp, clientSecret?: string): Promise<client.Configuration> {
  const config = await client.discovery(new URL(idp.issuer), idp.clientId, clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
  client.enableNonRepudiationChecks(config);
  return config;
}

/** One authorization request with openid-client: the browser goes through the IdP and lands on the callback. */
export async function authorizeOnce(
  config: client.Configuration,
  username?: string,
  browser = new Browser(),
) {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: TEST_REDIRECT,
    scope: 'openid profile email offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
  });
  const { callback } = await completeLogin(browser, url, username === undefined ? {} : { username });
  const checks = {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    expectedState: state,
    idTokenExpected: true,
  };
  return { callback, checks, verifier, nonce, state };
}

/** A full login through openid-client. */
export async function oidcLogin(
  config: client.Configuration,
  username?: string,
): Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers> {
  const { callback, checks } = await authorizeOnce(config, username);
  return client.authorizationCodeGrant(config, callback, checks);
}
