import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@auth/config';
import { startMockIdp } from '@auth/mock-idp';
import { createGateway, createLogger, shutdownGracefully } from '@auth/server';
import { startEchoBackend } from '@auth/test-kit/echo-backend';
import { startDemoClient } from './demo-client.js';

/** The demo's fixed loopback ports, matching `examples/two-upstreams.yaml`. */
const PORTS = {
  gateway: 8080,
  corp: 9001,
  github: 9002,
  corpBackend: 9101,
  githubBackend: 9102,
  client: 8090,
};
const DEMO_SECRETS = { CORP_CLIENT_SECRET: 'demo-corp-secret', GITHUB_CLIENT_SECRET: 'demo-github-secret' };

/**
 * `npm start`: two mock IdPs (an OIDC "corp" and a GitHub-shaped "github"), two
 * echo backends, the gateway on memory storage, and a demo client page to click
 * through the whole chain.
 */
export async function startDemo(): Promise<() => Promise<void>> {
  // Human lines in the demo's terminal (LOG_FORMAT=json for the machine form).
  const logger = createLogger({
    level: process.env.LOG_LEVEL ?? 'info',
    format: process.env.LOG_FORMAT === 'json' ? 'json' : 'pretty',
  });
  const configPath = fileURLToPath(new URL('../../../examples/two-upstreams.yaml', import.meta.url));
  const config = await loadConfig(configPath, { env: { ...DEMO_SECRETS, ...process.env } });
  const startIdp = (name: 'corp' | 'github', mode: 'oidc' | 'oauth2', clientSecret: string) =>
    startMockIdp({
      mode,
      port: PORTS[name],
      clientId: 'gateway',
      clientSecret,
      redirectUris: [`${config.issuer}/oauth/callback/${name}`],
    });
  const corp = await startIdp('corp', 'oidc', DEMO_SECRETS.CORP_CLIENT_SECRET);
  const github = await startIdp('github', 'oauth2', DEMO_SECRETS.GITHUB_CLIENT_SECRET);
  const corpBackend = await startEchoBackend({ name: 'corp-backend', port: PORTS.corpBackend });
  const githubBackend = await startEchoBackend({ name: 'github-backend', port: PORTS.githubBackend });
  const gateway = await createGateway({ config, logger, warnOnMemoryStorage: false });
  const server = gateway.app.listen(PORTS.gateway, '127.0.0.1');
  await once(server, 'listening');
  const client = await startDemoClient({
    gatewayUrl: config.issuer,
    clientId: 'demo',
    port: PORTS.client,
    routes: config.routes.map((route) => route.path),
  });
  process.stdout.write(
    `\nDemo ready. Open ${client.url} and sign in.\n` +
      `  gateway   ${config.issuer}\n  corp IdP  ${corp.url} (OIDC)\n  github    ${github.url} (GitHub-shaped OAuth 2.0)\n` +
      `  backends  ${corpBackend.url}, ${githubBackend.url}\nPress Ctrl+C to stop.\n`,
  );
  return async () => {
    await shutdownGracefully(server, () => gateway.close(), 2000);
    await Promise.all([
      client.close(),
      corpBackend.close(),
      githubBackend.close(),
      corp.close(),
      github.close(),
    ]);
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  startDemo().then(
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
