import { BENCH_CLIENT } from '../gateway-config.js';
import { codeFlowLogin, type HopObserver } from '../login-client.js';

/** A complete login through a bench gateway's chain (every upstream logs in at once); its access token. */
export function gatewayLogin(gatewayUrl: string, hop?: HopObserver): Promise<string> {
  return codeFlowLogin({
    authorizationEndpoint: `${gatewayUrl}/oauth/authorize`,
    tokenEndpoint: `${gatewayUrl}/oauth/token`,
    clientId: BENCH_CLIENT.clientId,
    redirectUri: BENCH_CLIENT.redirectUri,
    scope: 'openid',
    ...(hop === undefined ? {} : { observe: { origin: new URL(gatewayUrl).origin, hop } }),
  });
}

/** Fails early, with the status, when a protected URL does not answer 200 to this token. */
export async function assertServes(url: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(url, { headers });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${body.slice(0, 200)}`);
}
