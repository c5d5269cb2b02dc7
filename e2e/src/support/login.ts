import { createHash, randomBytes } from 'node:crypto';
import { Browser, completeLogin, type LoginOutcome } from './browser.js';

/** The gateway's token response. */
export interface GatewayTokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

/** What {@link loginThroughGateway} did and got. */
export interface GatewayLogin extends LoginOutcome {
  clientId: string;
  code: string;
  tokens: GatewayTokens;
  browser: Browser;
}

/**
 * A plain public client (PKCE S256, no library): registers itself at `issuer` (RFC 7591),
 * runs the whole chain with a {@link Browser} as `username`, and exchanges the code.
 */
export async function loginThroughGateway(
  issuer: string,
  options: { username: string; scope?: string; browser?: Browser },
): Promise<GatewayLogin> {
  const redirectUri = 'http://127.0.0.1:61999/cb';
  const registration = await fetch(`${issuer}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'e2e public client',
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
    }),
  });
  if (registration.status !== 201) throw new Error(`registration: ${registration.status}`);
  const { client_id: clientId } = (await registration.json()) as { client_id: string };

  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(`${issuer}/oauth/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: options.scope ?? 'openid offline_access',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const browser = options.browser ?? new Browser();
  const outcome = await completeLogin(browser, authorize.href, { redirectUri, username: options.username });
  const code = outcome.callback.searchParams.get('code');
  if (outcome.callback.searchParams.get('state') !== state || code === null)
    throw new Error(`login ended without a code: ${outcome.callback.href}`);

  const response = await fetch(`${issuer}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
    }),
  });
  if (response.status !== 200) throw new Error(`token: ${response.status} ${await response.text()}`);
  return { ...outcome, clientId, code, tokens: (await response.json()) as GatewayTokens, browser };
}
