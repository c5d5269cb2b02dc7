import { type GatewayLogin, loginThroughGateway, registerClient, runChain } from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../src/support/process.js';
import { type Stack, startStack } from '../src/support/stack.js';
import { callRoute, refreshGrants, setFaults, sleep } from './support/reliability-kit.js';

/**
 * Issue 11 item 13: the upstream timeout is set per upstream (`upstreams[].timeout`), and a
 * refresh the IdP answers after that timeout is kept: the request that waited answers 503, the
 * refresh goes on and its answer (with the refresh token the IdP rotated) is stored. Before, the
 * call was abandoned at a fixed 10 s, the IdP rotated the refresh token anyway, and the next
 * refresh was refused: the user was logged out of that provider.
 */
const TTL_SECONDS = 2;

describe('per-upstream timeout and late refresh answers (issue 11 item 13)', () => {
  let stack: Stack;
  let login: GatewayLogin;
  /** Waits until the corp access token obtained at `since` has expired. */
  const untilExpired = (since: number) => sleep(Math.max(0, since + TTL_SECONDS * 1000 + 300 - Date.now()));

  beforeAll(async () => {
    stack = await startStack({
      corpAccessTokenTtl: TTL_SECONDS,
      editConfig: (config) => {
        const [corp] = config['upstreams'] as Array<Record<string, unknown>>;
        corp!['timeout'] = '1s';
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  it('a login leg slower than the upstream’s timeout fails the chain with temporarily_unavailable', async () => {
    await setFaults(stack.corp.url, { token_delay_ms: 2500, once: true });
    const fc = await registerClient(stack.issuer);
    const run = await runChain(fc, {}, { username: 'heidi' });
    expect(run.ride.stopped).toBe(true);
    expect(run.callback.searchParams.get('error')).toBe('temporarily_unavailable');
  });

  it('a refresh answered after the timeout: 503 meanwhile, then the late answer is used, and the rotated refresh token works', async () => {
    login = await loginThroughGateway(stack.issuer, { username: 'ivan' });
    const loggedIn = Date.now();
    await fetch(`${stack.corp.url}/_mock/requests`, { method: 'DELETE' });
    await untilExpired(loggedIn);

    await setFaults(stack.corp.url, { token_delay_ms: 2500, once: true });
    const waited = await callRoute(`${stack.issuer}/mcp/corp`, login.tokens.access_token);
    expect(waited.status).toBe(503);
    expect(waited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await waited.json()) as { error: string }).error).toBe('temporarily_unavailable');

    // The IdP answers at 2.5 s; the gateway stores that answer.
    let after: Response | undefined;
    for (let attempt = 0; attempt < 40; attempt++) {
      await sleep(250);
      after = await callRoute(`${stack.issuer}/mcp/corp`, login.tokens.access_token);
      if (after.status === 200) break;
    }
    expect(after?.status).toBe(200);
    const refreshedAt = Date.now();
    expect(await refreshGrants(stack.corp.url, '/token')).toBe(1);

    // The refresh token the IdP rotated in that late answer is the one the gateway holds now.
    await untilExpired(refreshedAt);
    const again = await callRoute(`${stack.issuer}/mcp/corp`, login.tokens.access_token);
    expect(again.status).toBe(200);
    expect(await refreshGrants(stack.corp.url, '/token')).toBe(2);
    expect(stack.gatewayOutput()).not.toContain('upstream refused the refresh token');
  });
});
