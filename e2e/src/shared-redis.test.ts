import { startRedisServer, type TestRedisServer } from '@auth/storage/testing';
import { type GatewayLogin, loginThroughGateway } from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from './support/process.js';
import { SecretsSeen } from './support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from './support/stack.js';

interface LoggedRequest {
  method: string;
  path: string;
  params: Record<string, unknown>;
}

async function refreshGrants(idpUrl: string, tokenPath: string): Promise<number> {
  const log = (await (await fetch(`${idpUrl}/_mock/requests`)).json()) as LoggedRequest[];
  return log.filter((r) => r.path === tokenPath && r.params['grant_type'] === 'refresh_token').length;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 6 "It must show" 3 (the two-process part): two gateway processes share one
 * redis-server and one signing key file. Upstream access tokens live 10 s; the tests wait
 * until the tokens issued at login have really expired. The gateway refreshes a token
 * within half its lifetime of expiry, so a refreshed token is not due again for 5 s:
 * long enough for the 50-request burst to see exactly one refresh.
 */
describe('two gateway processes sharing Redis', () => {
  let redis: TestRedisServer;
  let stack: Stack;
  let login: GatewayLogin;
  const secrets = new SecretsSeen();
  const TTL = 10;
  let loggedInAt = 0;
  let corpRefreshedBy = 0;
  /** Waits until the upstream tokens issued at login have expired. */
  const untilExpired = () => sleep(Math.max(0, loggedInAt + TTL * 1000 + 500 - Date.now()));

  beforeAll(async () => {
    redis = await startRedisServer();
    stack = await startStack({
      gateways: 2,
      redisUrl: redis.url,
      signingKey: true,
      corpAccessTokenTtl: TTL,
      githubAccessTokenTtl: TTL,
      logLevel: 'debug',
    });
    login = await loginThroughGateway(stack.issuer, { username: 'dave' });
    loggedInAt = Date.now(); // every upstream token was issued before this instant
    secrets.addLogin(login);
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
  });
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
    await redis?.stop();
  });

  it('both processes publish the same signing key, and each is ready on Redis', async () => {
    const [one, two] = await Promise.all(
      stack.gatewayUrls.map(async (url) => (await fetch(`${url}/.well-known/jwks.json`)).json()),
    );
    expect(two).toEqual(one);
    for (const url of stack.gatewayUrls) expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('once the corp token expired, 50 concurrent requests over both gateways all succeed with ONE refresh at the IdP', async () => {
    await untilExpired();
    const cleared = await fetch(`${stack.corp.url}/_mock/requests`, { method: 'DELETE' });
    expect(cleared.status).toBe(204);

    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const response = await fetch(`${stack.gatewayUrls[i % 2]}/mcp/corp/call-${i}`, {
          headers: { authorization: `Bearer ${login.tokens.access_token}` },
        });
        const body = (await response.json()) as { headers?: Record<string, string> };
        return { status: response.status, upstream: body.headers?.['authorization'] };
      }),
    );
    corpRefreshedBy = Date.now(); // the refreshed corp token expires by corpRefreshedBy + TTL
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(await refreshGrants(stack.corp.url, '/token')).toBe(1);

    // Every request, on either process, carried the one refreshed token, which the IdP accepts.
    const tokens = new Set(answers.map((a) => a.upstream));
    expect(tokens.size).toBe(1);
    const [upstream] = [...tokens];
    secrets.add('refreshed corp upstream access token', upstream);
    const userinfo = await fetch(`${stack.corp.url}/userinfo`, { headers: { authorization: upstream! } });
    expect(userinfo.status).toBe(200);
    // Both processes served their half.
    const perBackendPath = stack.corpBackend.received.filter((r) => r.url.startsWith('/call-'));
    expect(perBackendPath).toHaveLength(50);
  });

  it('invalid_grant at the github IdP after expiry: /mcp/github answers 401 invalid_token, /mcp/corp keeps answering 200', async () => {
    const fault = await fetch(`${stack.github.url}/_mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_error: 'invalid_grant' }),
    });
    expect(fault.status).toBeLessThan(300);
    await fetch(`${stack.github.url}/_mock/requests`, { method: 'DELETE' });
    await untilExpired();

    const bearer = { authorization: `Bearer ${login.tokens.access_token}` };
    const github = await fetch(`${stack.gatewayUrls[1]}/mcp/github`, { headers: bearer });
    expect(github.status).toBe(401);
    const challenge = github.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain('re-authentication required');
    expect(await refreshGrants(stack.github.url, '/login/oauth/access_token')).toBe(1);

    // The tokens were deleted: the other process answers 401 too, without asking the IdP again.
    const again = await fetch(`${stack.gatewayUrls[0]}/mcp/github`, { headers: bearer });
    expect(again.status).toBe(401);
    expect(again.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await refreshGrants(stack.github.url, '/login/oauth/access_token')).toBe(1);
    expect(stack.githubBackend.received).toHaveLength(0);

    for (const url of stack.gatewayUrls) {
      const corp = await fetch(`${url}/mcp/corp`, { headers: bearer });
      expect(corp.status, url).toBe(200);
      const echoed = (await corp.json()) as { headers: Record<string, string> };
      secrets.add(`corp upstream access token via ${url}`, echoed.headers['authorization']);
    }
    corpRefreshedBy = Date.now(); // had the corp token become due meanwhile, it was refreshed by now
  });

  it('corp IdP answering 503 after expiry: /mcp/corp answers 503 on both processes and keeps the tokens; once it recovers, 200', async () => {
    const bearer = { authorization: `Bearer ${login.tokens.access_token}` };
    const fault = await fetch(`${stack.corp.url}/_mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token_status: 503 }),
    });
    expect(fault.status).toBeLessThan(300);
    await sleep(Math.max(0, corpRefreshedBy + TTL * 1000 + 500 - Date.now()));
    const before = stack.corpBackend.received.length;
    for (const url of stack.gatewayUrls) {
      const down = await fetch(`${url}/mcp/corp`, { headers: bearer });
      expect(down.status, url).toBe(503);
    }
    expect(stack.corpBackend.received.length).toBe(before);
    // github's tokens are gone (invalid_grant above); corp's 503 did not delete corp's.
    expect(await refreshGrants(stack.corp.url, '/token')).toBeGreaterThanOrEqual(2);

    await fetch(`${stack.corp.url}/_mock/faults`, { method: 'DELETE' });
    for (const url of stack.gatewayUrls) {
      const back = await fetch(`${url}/mcp/corp`, { headers: bearer });
      expect(back.status, url).toBe(200);
      const echoed = (await back.json()) as { headers: Record<string, string> };
      secrets.add(`corp upstream access token after recovery via ${url}`, echoed.headers['authorization']);
      const userinfo = await fetch(`${stack.corp.url}/userinfo`, {
        headers: { authorization: echoed.headers['authorization']! },
      });
      expect(userinfo.status).toBe(200);
    }
  });

  it('the refresh grant is shared: a session that lost github ends at refresh; a live one rotates on gateway 2, works on gateway 1, and reuse on gateway 1 ends the grant and its upstream tokens', async () => {
    const refresh = (url: string, token: string, clientId: string) =>
      fetch(`${url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: token,
          client_id: clientId,
        }),
      });
    // The first login's session lost github (invalid_grant at the IdP, above): its grant cannot
    // serve any more, so refreshing it is invalid_grant and ends it on both processes.
    const lost = await refresh(stack.gatewayUrls[1]!, login.tokens.refresh_token!, login.clientId);
    expect(lost.status).toBe(400);
    expect(((await lost.json()) as { error: string }).error).toBe('invalid_grant');
    const dead = await fetch(`${stack.gatewayUrls[0]}/mcp/corp`, {
      headers: { authorization: `Bearer ${login.tokens.access_token}` },
    });
    expect(dead.status).toBe(401);
    expect(dead.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const live = await loginThroughGateway(stack.issuer, { username: 'erin' });
    secrets.add('live login access_token', live.tokens.access_token);
    secrets.add('live login refresh_token', live.tokens.refresh_token);
    secrets.add('live login code', live.code);
    const first = await refresh(stack.gatewayUrls[1]!, live.tokens.refresh_token!, live.clientId);
    expect(first.status).toBe(200);
    const rotated = (await first.json()) as { access_token: string; refresh_token: string };
    secrets.add('rotated gateway refresh_token', rotated.refresh_token);
    secrets.add('refreshed gateway access_token', rotated.access_token);
    expect(rotated.refresh_token).not.toBe(live.tokens.refresh_token);
    // Same session (tsid): the corp upstream token is still there for the new access token.
    const corp = await fetch(`${stack.gatewayUrls[0]}/mcp/corp`, {
      headers: { authorization: `Bearer ${rotated.access_token}` },
    });
    expect(corp.status).toBe(200);
    const echoed = (await corp.json()) as { headers: Record<string, string> };
    secrets.add('live login corp upstream access token', echoed.headers['authorization']);

    // RFC 9700 §4.14: reusing the rotated-out token (on the other process) fails and ends the grant.
    const reuse = await refresh(stack.gatewayUrls[0]!, live.tokens.refresh_token!, live.clientId);
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
    const afterReuse = await refresh(stack.gatewayUrls[1]!, rotated.refresh_token, live.clientId);
    expect(afterReuse.status).toBe(400);
    expect(((await afterReuse.json()) as { error: string }).error).toBe('invalid_grant');
    // Ending the grant deleted the session's upstream tokens: the unexpired JWT no longer reaches a backend.
    const ended = await fetch(`${stack.gatewayUrls[1]}/mcp/corp`, {
      headers: { authorization: `Bearer ${rotated.access_token}` },
    });
    expect(ended.status).toBe(401);
    expect(ended.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('Redis down: both processes answer 503 (never a pass) and /readyz 503; Redis back empty: 401, ready again', async () => {
    const fresh = await loginThroughGateway(stack.issuer, { username: 'frank' });
    secrets.add('second login access_token', fresh.tokens.access_token);
    secrets.add('second login refresh_token', fresh.tokens.refresh_token);
    secrets.add('second login code', fresh.code);
    const bearer = { authorization: `Bearer ${fresh.tokens.access_token}` };
    expect((await fetch(`${stack.gatewayUrls[1]}/mcp/corp`, { headers: bearer })).status).toBe(200);
    const before = stack.corpBackend.received.length;
    await redis.stop();
    for (const url of stack.gatewayUrls) {
      const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(15_000) });
      expect(ready.status, `${url}/readyz`).toBe(503);
      const corp = await fetch(`${url}/mcp/corp`, { headers: bearer, signal: AbortSignal.timeout(15_000) });
      expect(corp.status, `${url}/mcp/corp`).toBe(503);
    }
    expect(stack.corpBackend.received.length).toBe(before);

    await redis.restart();
    for (const url of stack.gatewayUrls) {
      const deadline = Date.now() + 15_000;
      let status = 0;
      while (status !== 200 && Date.now() < deadline) {
        status = (await fetch(`${url}/readyz`)).status;
        if (status !== 200) await sleep(200);
      }
      expect(status, `${url}/readyz after the restart`).toBe(200);
      // The JWT still verifies (key file), but the session's upstream tokens died with Redis.
      const corp = await fetch(`${url}/mcp/corp`, { headers: bearer });
      expect(corp.status).toBe(401);
      expect(corp.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    expect(stack.corpBackend.received.length).toBe(before);
  });

  it('no token, code or secret of this run appears in the logs of either gateway process', async () => {
    const codes = await Promise.all(stack.gateways.map((g) => g.stop()));
    expect(codes).toEqual([0, 0]);
    expect(stack.gatewayOutput()).toContain('upstream token refreshed');
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the output of both gateways');
  });
});
