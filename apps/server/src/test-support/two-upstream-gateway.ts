import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { parseConfig } from '@auth/config';
import {
  type EchoBackend,
  type Listening,
  listen,
  type MockIdp,
  startEchoBackend,
  startMockIdp,
} from '@auth/test-kit';
import { createGateway, type Gateway } from '../gateway/create-gateway.js';
import { createLogger } from '../logging/create-logger.js';

/** A gateway on loopback in front of two mock IdPs (corp: OIDC, github: OAuth 2.0) and one echo backend. */
export interface TwoUpstreamGateway {
  corp: MockIdp;
  github: MockIdp;
  backend: EchoBackend;
  server: Listening;
  gateway: Gateway;
  /** The issuer and base URL. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts it: both IdPs log `alice` in without a form, routes `/mcp/corp` and `/mcp/github`
 * (memory storage, logs discarded).
 */
export async function startTwoUpstreamGateway(): Promise<TwoUpstreamGateway> {
  const [corp, github, backend] = await Promise.all([
    startMockIdp({ mode: 'oidc', clientId: 'gateway', autoLogin: 'alice' }),
    startMockIdp({ mode: 'oauth2', clientId: 'gateway', autoLogin: 'alice' }),
    startEchoBackend({ name: 'backend' }),
  ]);
  const server = await listen(createServer());
  const url = server.url;
  const config = parseConfig(
    {
      issuer: url,
      upstreams: [
        { name: 'corp', type: 'oidc', issuer: corp.issuer, client_id: 'gateway', scopes: ['openid'] },
        {
          name: 'github',
          type: 'oauth2',
          authorization_endpoint: `${github.url}/login/oauth/authorize`,
          token_endpoint: `${github.url}/login/oauth/access_token`,
          userinfo: { endpoint: `${github.url}/user`, subject_field: 'id' },
          client_id: 'gateway',
          scopes: ['repo'],
        },
      ],
      routes: [
        { path: '/mcp/corp', backend: backend.url, upstream: 'corp' },
        { path: '/mcp/github', backend: backend.url, upstream: 'github' },
      ],
    },
    { env: {} },
  );
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const gateway = await createGateway({
    config,
    logger: createLogger({ destination: discard }),
    warnOnMemoryStorage: false,
  });
  server.server.on('request', gateway.app);
  return {
    corp,
    github,
    backend,
    server,
    gateway,
    url,
    async close() {
      await server.close();
      await gateway.close();
      await Promise.all([corp.close(), github.close(), backend.close()]);
    },
  };
}
