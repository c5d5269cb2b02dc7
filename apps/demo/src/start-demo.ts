import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type GatewayConfig, loadConfig } from '@auth/config';
import { type MockIdp, startMockIdp } from '@auth/mock-idp';
import { createGateway, createLogger, shutdownGracefully } from '@auth/server';
import { startEchoBackend } from '@auth/test-kit/echo-backend';
import { startMcpBackend } from '@auth/test-kit/mcp-backend';
import { startDemoClient } from './demo-client.js';
import { DEFAULT_PORTS, type DemoPorts, parseDemoPorts, withPorts } from './demo-ports.js';
import type { DemoRoute, DemoUpstream } from './sign-in-report.js';

const DEMO_SECRETS = { CORP_CLIENT_SECRET: 'demo-corp-secret', GITHUB_CLIENT_SECRET: 'demo-github-secret' };

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** Ports to use instead of the example config's (`DEMO_PORTS` for the entry point). */
  ports?: Partial<DemoPorts>;
}

/** The IdP ports by upstream name (the example's two upstreams). */
const idpPort = (ports: DemoPorts, name: string): number => {
  if (name === 'corp') return ports.corp;
  if (name === 'github') return ports.github;
  throw new Error(`the demo has no mock IdP for an upstream named ${name}`);
};

/** The route's credential header as the backend sees it (lower-case, as Node reports headers). */
const credentialHeader = (route: GatewayConfig['routes'][number]): string =>
  route.headerStrategy === 'custom' && route.customHeaderName !== undefined
    ? route.customHeaderName.toLowerCase()
    : 'authorization';

/**
 * `npm start`: two mock IdPs (an OIDC "corp" and a GitHub-shaped "github"), each naming its
 * provider and its step in the chain, two echo backends, two MCP backends behind the aggregate
 * route `/mcp`, the gateway on memory storage, and a demo
 * client page to click through the whole chain (consent included) and sign out again.
 */
export async function startDemo(options: DemoOptions = {}): Promise<() => Promise<void>> {
  const ports: DemoPorts = { ...DEFAULT_PORTS, ...options.ports };
  // Human lines in the demo's terminal (LOG_FORMAT=json for the machine form).
  const logger = createLogger({
    level: process.env.LOG_LEVEL ?? 'info',
    format: process.env.LOG_FORMAT === 'json' ? 'json' : 'pretty',
  });
  const configPath = fileURLToPath(new URL('../../../examples/two-upstreams.yaml', import.meta.url));
  const config = loadConfig(configPath, {
    env: { ...DEMO_SECRETS, ...process.env },
    readFile: (file) => withPorts(readFileSync(file, 'utf8'), ports),
  });
  const upstreams: DemoUpstream[] = config.upstreams.map((u) => ({
    name: u.name,
    displayName: u.displayName ?? u.name,
  }));
  const idps: MockIdp[] = [];
  const closers: Array<() => Promise<void>> = [];
  try {
    for (const [index, upstream] of config.upstreams.entries()) {
      const idp = await startMockIdp({
        mode: upstream.type,
        port: idpPort(ports, upstream.name),
        clientId: upstream.clientId,
        ...(upstream.clientSecret === undefined ? {} : { clientSecret: upstream.clientSecret.reveal() }),
        redirectUris: [`${config.issuer}/oauth/callback/${upstream.name}`],
        // The demo knows its chain's order: each IdP page says which provider and which step.
        title: `${upstreams[index]!.displayName} — step ${index + 1} of ${config.upstreams.length}`,
      });
      idps.push(idp);
      closers.push(() => idp.close());
    }
    const backends = await Promise.all(
      [
        { name: 'corp-backend', port: ports.corpBackend },
        { name: 'github-backend', port: ports.githubBackend },
      ].map((backend) => startEchoBackend({ ...backend, watchIssuer: config.issuer })),
    );
    for (const backend of backends) closers.push(() => backend.close());
    // The aggregate route's MCP backends: real SDK McpServers whose `whoami` tool answers the
    // credentials it was called with.
    const mcpBackends = await Promise.all([
      startMcpBackend('corp-mcp', { port: ports.corpMcp }),
      startMcpBackend('github-mcp', { port: ports.githubMcp }),
    ]);
    for (const backend of mcpBackends) closers.push(() => backend.close());
    const gateway = await createGateway({ config, logger, warnOnMemoryStorage: false });
    const server = gateway.app.listen(ports.gateway, '127.0.0.1');
    await once(server, 'listening');
    closers.unshift(async () => {
      await shutdownGracefully(server, () => gateway.close(), 2000);
    });
    const routes: DemoRoute[] = config.routes.map((route) => ({
      path: route.path,
      upstream: route.upstream,
      header: credentialHeader(route),
    }));
    const [aggregate] = config.aggregateRoutes;
    const client = await startDemoClient({
      gatewayUrl: config.issuer,
      clientId: 'demo',
      port: ports.client,
      upstreams,
      routes,
      ...(aggregate === undefined
        ? {}
        : {
            aggregate: {
              path: aggregate.path,
              backends: aggregate.backends.map(({ name, upstream }) => ({ name, upstream })),
            },
          }),
      // The legs' times as the gateway recorded them: when it obtained each provider's tokens.
      legTimes: async (sessionId) => {
        const stored = await gateway.storage.getAllUpstreamTokens(sessionId);
        return Object.fromEntries(Object.entries(stored).map(([name, tokens]) => [name, tokens.obtainedAt]));
      },
    });
    closers.push(() => client.close());
    process.stdout.write(
      `\nDemo ready. Open ${client.url} and sign in.\n` +
        `  gateway   ${config.issuer}\n` +
        idps.map((idp, i) => `  ${upstreams[i]!.displayName.padEnd(9)} ${idp.url} (${idp.mode})\n`).join('') +
        `  backends  ${backends.map((backend) => backend.url).join(', ')}\n` +
        `  MCP       ${mcpBackends.map((backend) => backend.url).join(', ')} (behind ${aggregate?.path ?? '—'})\nPress Ctrl+C to stop.\n`,
    );
  } catch (error) {
    for (const close of closers) await close();
    throw error;
  }
  return async () => {
    const [stopGateway, ...rest] = closers;
    await stopGateway?.();
    await Promise.all(rest.map((close) => close()));
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let ports: Partial<DemoPorts>;
  try {
    ports = parseDemoPorts(process.env.DEMO_PORTS);
  } catch (error) {
    process.stderr.write(`demo: ${(error as Error).message}\n`);
    process.exit(2);
  }
  startDemo({ ports }).then(
    (stop) => {
      const shutdown = () => {
        stop().then(() => process.exit(0));
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    },
    (error: unknown) => {
      process.stderr.write(`demo failed to start: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
