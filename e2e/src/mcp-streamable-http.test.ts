import { Browser, completeLogin } from '@auth/test-kit';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpBackend, startMcpBackend } from './support/mcp-backend.js';
import { InMemoryProvider } from './support/mcp-provider.js';
import { stopAll } from './support/process.js';
import { SecretsSeen } from './support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from './support/stack.js';

const REDIRECT_URI = 'http://127.0.0.1:33419/oauth/callback';

/** End to end (docs/architecture.md#what-the-gateway-does): an MCP client (the SDK's Client and transport) calls an MCP server behind the gateway. */
describe('MCP SDK Client over Streamable HTTP through the gateway to a real MCP server', () => {
  let stack: Stack;
  let backend: McpBackend;
  const provider = new InMemoryProvider(REDIRECT_URI);
  const secrets = new SecretsSeen();
  let serverUrl: URL;

  beforeAll(async () => {
    backend = await startMcpBackend();
    stack = await startStack({ corpBackendUrl: backend.url });
    serverUrl = new URL(`${stack.issuer}/mcp/corp`);
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
  });
  afterAll(async () => {
    await stack?.stop();
    await backend?.close();
    await stopAll();
  });

  it('connect without a token: the gateway 401 starts the SDK OAuth flow (redirect), the backend is never reached', async () => {
    const client = new Client({ name: 'e2e-mcp-client', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(serverUrl, { authProvider: provider });
    await expect(client.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.redirects).toHaveLength(1);
    expect(provider.redirects[0]!.searchParams.get('resource')).toBe(serverUrl.href);
    expect(backend.requests).toBe(0);

    const login = await completeLogin(new Browser(), provider.redirects[0]!.href, {
      redirectUri: REDIRECT_URI,
      username: 'grace',
    });
    const code = login.callback.searchParams.get('code')!;
    secrets.add('gateway code', code);
    await transport.finishAuth(code);
    secrets.add('gateway access_token', provider.saved?.access_token);
    secrets.add('gateway refresh_token', provider.saved?.refresh_token);
    await client.close();
  });

  it('after login: initialize, tools/list and tools/call pass through; the MCP server saw the corp token, not the JWT', async () => {
    const client = new Client({ name: 'e2e-mcp-client', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(serverUrl, { authProvider: provider });
    await client.connect(transport);
    expect(client.getServerVersion()?.name).toBe('corp-mcp-backend');

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['whoami']);

    const result = await client.callTool({ name: 'whoami', arguments: {} });
    const [content] = result.content as Array<{ type: string; text: string }>;
    const seen = JSON.parse(content!.text) as { authorization: string; path: string };
    expect(seen.path).toBe('/');
    expect(seen.authorization).toMatch(/^Bearer midp/);
    expect(seen.authorization).not.toContain(provider.saved!.access_token);
    secrets.add('corp upstream access token', seen.authorization);
    const userinfo = await fetch(`${stack.corp.url}/userinfo`, {
      headers: { authorization: seen.authorization },
    });
    expect(((await userinfo.json()) as { sub: string }).sub).toBe('grace');
    await client.close();
  });

  it('no token, code or secret of this run appears in the gateway logs', async () => {
    expect(await stack.gateways[0]!.stop()).toBe(0);
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the gateway output');
  });
});
