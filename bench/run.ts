/**
 * `npm run bench`: throughput and latency of the gateway's protected path
 * (identity → upstreamswap → proxy) against a bare reverse proxy to the same
 * backend, measured in one run and printed as ratios (SPEC §8, §11).
 * Everything runs on loopback; the run is bounded by request count.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '@auth/config';
import { startMockIdp } from '@auth/mock-idp';
import { createGateway, createLogger } from '@auth/server';
import { startEchoBackend } from '@auth/server/demo';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = 3;

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Follows the chain's redirects (auto-login IdPs, trusted client) and returns the gateway access token. */
async function login(gateway: string): Promise<string> {
  const verifier = 'bench-verifier-0123456789abcdefghijklmnopqrstuvwxyz';
  const challenge = Buffer.from(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)),
  ).toString('base64url');
  const redirectUri = 'http://127.0.0.1:1/callback';
  let url = `${gateway}/oauth/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: 'bench',
    redirect_uri: redirectUri,
    scope: 'openid',
    state: 'bench-state',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })}`;
  // The chain binds itself to the browser that started it (a cookie), so keep cookies per host.
  const cookies = new Map<string, string[]>();
  for (let hop = 0; hop < 20; hop += 1) {
    if (url.startsWith(redirectUri)) break;
    const host = new URL(url).host;
    const jar = cookies.get(host) ?? [];
    const response = await fetch(url, {
      redirect: 'manual',
      headers: jar.length ? { cookie: jar.join('; ') } : {},
    });
    const set = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0] ?? '');
    cookies.set(host, [...jar.filter((c) => !set.some((n) => n.split('=')[0] === c.split('=')[0])), ...set]);
    const location = response.headers.get('location');
    if (!location) throw new Error(`login stopped at ${new URL(url).pathname} with ${response.status}`);
    url = new URL(location, url).href;
  }
  const code = new URL(url).searchParams.get('code');
  if (!code)
    throw new Error(`no code in the final redirect: ${new URL(url).searchParams.get('error') ?? 'none'}`);
  const token = await fetch(`${gateway}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: 'bench',
      code_verifier: verifier,
    }),
  });
  const body = (await token.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token endpoint answered ${token.status}`);
  return body.access_token;
}

/** Sends `REQUESTS` GETs with `CONCURRENCY` in flight; returns requests/s and the median latency in ms. */
async function load(url: string, headers: Record<string, string>): Promise<{ rps: number; p50: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        next += 1;
        const t0 = performance.now();
        const response = await fetch(url, { headers });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rps: REQUESTS / seconds, p50: latencies[Math.floor(latencies.length / 2)] ?? 0 };
}

async function main(): Promise<void> {
  const backend = await startEchoBackend({ name: 'bench-backend' });
  const corp = await startMockIdp({
    mode: 'oidc',
    clientId: 'gateway',
    clientSecret: 'corp-secret',
    autoLogin: 'bench',
  });
  const github = await startMockIdp({
    mode: 'oauth2',
    clientId: 'gateway',
    clientSecret: 'gh-secret',
    autoLogin: 'bench',
  });

  const bare = express();
  bare.use('/mcp/corp', createProxyMiddleware({ target: backend.url, changeOrigin: true }));
  const bareServer = createServer(bare);
  const bareUrl = await listen(bareServer);

  const gatewayServer = createServer();
  const gatewayUrl = await listen(gatewayServer);
  const config = parseConfig(
    {
      issuer: gatewayUrl,
      clients: [{ client_id: 'bench', redirect_uris: ['http://127.0.0.1:1/callback'], trusted: true }],
      upstreams: [
        {
          name: 'corp',
          type: 'oidc',
          issuer: corp.issuer,
          client_id: 'gateway',
          client_secret_env: 'CORP',
          scopes: ['openid'],
        },
        {
          name: 'github',
          type: 'oauth2',
          authorization_endpoint: `${github.url}/login/oauth/authorize`,
          token_endpoint: `${github.url}/login/oauth/access_token`,
          userinfo: { endpoint: `${github.url}/user` },
          client_id: 'gateway',
          client_secret_env: 'GH',
          scopes: ['repo'],
        },
      ],
      routes: [{ path: '/mcp/corp', backend: backend.url, upstream: 'corp' }],
    },
    { env: { CORP: 'corp-secret', GH: 'gh-secret' } },
  );
  const gateway = await createGateway({
    config,
    logger: createLogger({ level: 'silent' }),
    warnOnMemoryStorage: false,
  });
  gatewayServer.on('request', gateway.app);
  const token = await login(gatewayUrl);

  const results = {
    bare: [] as Array<{ rps: number; p50: number }>,
    gateway: [] as Array<{ rps: number; p50: number }>,
  };
  // Warm-up, then alternate so drift on a shared machine hits both sides alike.
  await load(`${bareUrl}/mcp/corp`, {});
  await load(`${gatewayUrl}/mcp/corp`, { authorization: `Bearer ${token}` });
  for (let round = 0; round < ROUNDS; round += 1) {
    results.bare.push(await load(`${bareUrl}/mcp/corp`, {}));
    results.gateway.push(await load(`${gatewayUrl}/mcp/corp`, { authorization: `Bearer ${token}` }));
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const bareRps = median(results.bare.map((r) => r.rps));
  const gatewayRps = median(results.gateway.map((r) => r.rps));
  const bareP50 = median(results.bare.map((r) => r.p50));
  const gatewayP50 = median(results.gateway.map((r) => r.p50));
  process.stdout.write(
    `protected path vs bare proxy (${REQUESTS} requests × ${ROUNDS} rounds, ${CONCURRENCY} in flight, medians)\n` +
      `  bare proxy      ${bareRps.toFixed(0)} req/s, p50 ${bareP50.toFixed(2)} ms\n` +
      `  gateway         ${gatewayRps.toFixed(0)} req/s, p50 ${gatewayP50.toFixed(2)} ms\n` +
      `  throughput ratio gateway/bare: ${(gatewayRps / bareRps).toFixed(2)}\n` +
      `  latency ratio    gateway/bare: ${(gatewayP50 / bareP50).toFixed(2)}\n`,
  );

  gatewayServer.close();
  gatewayServer.closeAllConnections();
  bareServer.close();
  bareServer.closeAllConnections();
  await gateway.close();
  await Promise.all([backend.close(), corp.close(), github.close()]);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
