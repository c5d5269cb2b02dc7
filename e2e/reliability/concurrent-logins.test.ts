import { startRedisServer, type TestRedisServer } from '@auth/storage/testing';
import { CLIENT_REDIRECT, discover, type FlowClient, login } from '@auth/test-kit';
import { Agent, type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../src/support/process.js';
import { SecretsSeen } from '../src/support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from '../src/support/stack.js';
import { callRoute } from './support/reliability-kit.js';

const LOGINS = 200;

/** The user an upstream access token belongs to, asked of the IdP that issued it. */
async function upstreamUser(
  url: string,
  token: string,
  field: 'preferred_username' | 'login',
): Promise<string> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token.replace(/^Bearer /, '')}` },
  });
  expect(response.status, url).toBe(200);
  return String(((await response.json()) as Record<string, unknown>)[field]);
}

/**
 * Issue 11 "It must show": 200 simultaneous two-upstream logins over two gateway replicas sharing
 * one Redis (the chain on one, half the codes redeemed on the other, every session read on both), with zero cross-talk: each client's token carries its own user and, on either
 * replica, its own upstream tokens, which the IdPs confirm belong to that user.
 */
describe(`${LOGINS} concurrent two-upstream logins over two replicas (issue 11)`, () => {
  let redis: TestRedisServer;
  let stack: Stack;
  let dispatcher: Dispatcher;
  const secrets = new SecretsSeen();

  beforeAll(async () => {
    // No kept-alive connections for this test's own requests: with 200 logins in one process the
    // event loop lags by seconds, and a client that reuses a connection the server has just closed
    // at its keep-alive timeout fails ("other side closed") through no fault of the gateway.
    dispatcher = getGlobalDispatcher();
    setGlobalDispatcher(new Agent({ pipelining: 0 }));
    redis = await startRedisServer();
    stack = await startStack({
      gateways: 2,
      redisUrl: redis.url,
      signingKey: true,
      clients: [{ client_id: 'load-client', redirect_uris: [CLIENT_REDIRECT], trusted: true }],
    });
  });
  afterAll(async () => {
    const agent = getGlobalDispatcher();
    if (dispatcher !== undefined) setGlobalDispatcher(dispatcher);
    await agent.close();
    await stack?.stop();
    await stopAll();
    await redis?.stop();
  });

  it('every login gets its own user and its own upstream tokens, on both replicas', async () => {
    const as = await discover(stack.issuer);
    const [one, two] = stack.gatewayUrls as [string, string];
    const logins = await Promise.all(
      Array.from({ length: LOGINS }, (_, i) => {
        // The chain runs on the issuer (replica one: the browser's cookies are its origin's); half
        // the logins redeem their code at replica two, and every session is read on both below.
        const fc: FlowClient = {
          as: { ...as, token_endpoint: `${i % 2 === 0 ? two : one}/oauth/token` },
          client: { client_id: 'load-client', token_endpoint_auth_method: 'none' },
        };
        return login(fc, {}, { username: `load-${i}` });
      }),
    );
    expect(stack.gatewayUrls[0]).toBe(stack.issuer);

    const seen = await Promise.all(
      logins.map(async (done, i) => {
        const token = done.tokens.access_token;
        // Each route on the other replica than the other: every session is read by both.
        const corp = await callRoute(`${stack.gatewayUrls[i % 2]}/mcp/corp`, token);
        const github = await callRoute(`${stack.gatewayUrls[(i + 1) % 2]}/mcp/github`, token);
        expect(corp.status).toBe(200);
        expect(github.status).toBe(200);
        const corpToken = ((await corp.json()) as { headers: Record<string, string> }).headers[
          'authorization'
        ];
        const githubToken = ((await github.json()) as { headers: Record<string, string> }).headers[
          'x-upstream-token'
        ];
        expect(corpToken).toBeDefined();
        expect(githubToken).toBeDefined();
        const userinfo = await fetch(`${stack.issuer}/oauth/userinfo`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(userinfo.status).toBe(200);
        return {
          username: `load-${i}`,
          sub: String(((await userinfo.json()) as { sub: unknown }).sub),
          corpUser: await upstreamUser(`${stack.corp.url}/userinfo`, String(corpToken), 'preferred_username'),
          githubUser: await upstreamUser(`${stack.github.url}/user`, String(githubToken), 'login'),
          corpToken: String(corpToken),
          githubToken: String(githubToken),
        };
      }),
    );
    for (const [i, done] of logins.entries()) {
      secrets.addLogin({ code: done.callback.searchParams.get('code') ?? '', tokens: done.tokens });
      secrets.add(`corp upstream token ${i}`, seen[i]?.corpToken);
      secrets.add(`github upstream token ${i}`, seen[i]?.githubToken);
    }
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
    for (const entry of seen) {
      expect(entry.corpUser).toBe(entry.username);
      expect(entry.githubUser).toBe(entry.username);
    }
    // Distinct gateway users and distinct upstream tokens: no two sessions share anything.
    expect(new Set(seen.map((entry) => entry.sub)).size).toBe(LOGINS);
    expect(new Set(seen.map((entry) => entry.corpToken)).size).toBe(LOGINS);
    expect(new Set(seen.map((entry) => entry.githubToken)).size).toBe(LOGINS);
  }, 180_000);

  it('no token, code or secret of this run appears in the gateway logs', () => {
    expect(secrets.size).toBeGreaterThan(0);
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the gateway output');
  });
});
