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

const REDIRECT_URI = 'http://127.0.0.1:33420/oauth/callback';
/** corp access tokens live 2 s, so the test can wait until the stored one is due for refresh. */
const TTL_SECONDS = 2;

/** The `tsid` claim of a gateway access token (read, not verified: the gateway verified it). */
const tsidOf = (jwt: string): unknown =>
  (JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { tsid?: unknown }).tsid;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface LoggedRequest {
  method: string;
  path: string;
  params: Record<string, unknown>;
}

async function idpRequests(idpUrl: string): Promise<LoggedRequest[]> {
  return (await (await fetch(`${idpUrl}/_mock/requests`)).json()) as LoggedRequest[];
}

/** What the MCP client sent to the gateway (the transport's and `auth()`'s fetch). */
function recordTraffic() {
  const tokenGrants: string[] = [];
  const routeAnswers: Array<{ status: number; challenge: string | null }> = [];
  const recordingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const response = await fetch(input, init);
    if (url.pathname === '/oauth/token') {
      tokenGrants.push(new URLSearchParams(String(init?.body ?? '')).get('grant_type') ?? 'none');
    }
    if (url.pathname.startsWith('/mcp/corp')) {
      routeAnswers.push({ status: response.status, challenge: response.headers.get('www-authenticate') });
    }
    return response;
  };
  return {
    tokenGrants,
    routeAnswers,
    fetch: recordingFetch,
    reset() {
      tokenGrants.length = 0;
      routeAnswers.length = 0;
    },
  };
}

/**
 * A session that lost an upstream ends in a new browser authorization, not an endless 401
 * (docs/architecture.md#when-a-grant-ends): the MCP SDK Client over Streamable HTTP, the
 * gateway CLI, the mock IdP CLIs and a real MCP server behind `/mcp/corp`.
 */
describe('MCP SDK client after the upstream refused a refresh (invalid_grant)', () => {
  let stack: Stack;
  let backend: McpBackend;
  const provider = new InMemoryProvider(REDIRECT_URI);
  const traffic = recordTraffic();
  const browser = new Browser();
  const secrets = new SecretsSeen();
  let serverUrl: URL;
  let client: Client;
  let transport: StreamableHTTPClientTransport;
  let firstUpstreamToken = '';
  let lastCallAt = 0;

  const connect = () =>
    new StreamableHTTPClientTransport(serverUrl, { authProvider: provider, fetch: traffic.fetch });
  const whoami = async (): Promise<string> => {
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    lastCallAt = Date.now();
    const [content] = result.content as Array<{ type: string; text: string }>;
    return (JSON.parse(content!.text) as { authorization: string }).authorization;
  };

  beforeAll(async () => {
    backend = await startMcpBackend();
    stack = await startStack({ corpBackendUrl: backend.url, corpAccessTokenTtl: TTL_SECONDS });
    serverUrl = new URL(`${stack.issuer}/mcp/corp`);
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
  });
  afterAll(async () => {
    await client?.close();
    await stack?.stop();
    await backend?.close();
    await stopAll();
  });

  it('logs in through the browser and calls a tool', async () => {
    const first = new Client({ name: 'e2e-mcp-client', version: '1.0.0' });
    const loginTransport = connect();
    await expect(first.connect(loginTransport)).rejects.toBeInstanceOf(UnauthorizedError);
    const login = await completeLogin(browser, provider.redirects[0]!.href, {
      redirectUri: REDIRECT_URI,
      username: 'ivan',
    });
    expect(login.pages.map((p) => p.kind)).toEqual(['consent', 'login', 'login']);
    const code = login.callback.searchParams.get('code')!;
    secrets.add('gateway code', code);
    await loginTransport.finishAuth(code);
    await first.close();
    secrets.add('gateway access_token', provider.saved?.access_token);
    secrets.add('gateway refresh_token', provider.saved?.refresh_token);

    client = new Client({ name: 'e2e-mcp-client', version: '1.0.0' });
    transport = connect();
    await client.connect(transport);
    firstUpstreamToken = await whoami();
    expect(firstUpstreamToken).toMatch(/^Bearer midp/);
    secrets.add('corp upstream access token', firstUpstreamToken);
  });

  it('the next call ends in a fresh browser authorization that walks every upstream again, then tools/call works (regression: an endless 401)', async () => {
    const oldTsid = tsidOf(provider.saved!.access_token);
    const fault = await fetch(`${stack.corp.url}/_mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_error: 'invalid_grant', once: true }),
    });
    expect(fault.status).toBeLessThan(300);
    for (const idp of [stack.corp, stack.github]) {
      await fetch(`${idp.url}/_mock/requests`, { method: 'DELETE' });
    }
    traffic.reset();
    // Whatever corp token the session holds was obtained by the last call: it is expired by now.
    await sleep(Math.max(0, lastCallAt + TTL_SECONDS * 1000 + 300 - Date.now()));

    // The gateway's refresh at corp is refused, so the route answers 401 invalid_token; the SDK
    // refreshes at the gateway, gets invalid_grant, forgets the tokens and asks for a new login.
    const failure = await whoami().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnauthorizedError);
    expect(traffic.routeAnswers).toHaveLength(1);
    expect(traffic.routeAnswers[0]!.status).toBe(401);
    expect(traffic.routeAnswers[0]!.challenge).toContain('error="invalid_token"');
    expect(traffic.tokenGrants).toEqual(['refresh_token']);
    expect(provider.invalidated).toContain('tokens');
    expect(provider.saved).toBeUndefined();
    expect(provider.redirects).toHaveLength(2);
    const corpRefreshes = (await idpRequests(stack.corp.url)).filter(
      (r) => r.path === '/token' && r.params['grant_type'] === 'refresh_token',
    );
    expect(corpRefreshes).toHaveLength(1);

    // The new authorization is a new session: both upstreams are visited again (the IdPs and the
    // consent remember this browser, so no form is shown).
    const login = await completeLogin(browser, provider.redirects[1]!.href, {
      redirectUri: REDIRECT_URI,
      username: 'ivan',
    });
    const visited = login.ride.hops.map((u) => `${u.origin}${u.pathname}`);
    expect(visited).toContain(`${stack.corp.url}/authorize`);
    expect(visited).toContain(`${stack.github.url}/login/oauth/authorize`);
    expect(visited.filter((u) => u.startsWith(`${stack.issuer}/oauth/callback/`))).toEqual([
      `${stack.issuer}/oauth/callback/corp`,
      `${stack.issuer}/oauth/callback/github`,
    ]);
    const code = login.callback.searchParams.get('code')!;
    secrets.add('second gateway code', code);
    await transport.finishAuth(code);
    secrets.add('second gateway access_token', provider.saved?.access_token);
    secrets.add('second gateway refresh_token', provider.saved?.refresh_token);
    expect(tsidOf(provider.saved!.access_token)).not.toBe(oldTsid);

    // The same MCP client calls the tool again and it works, with a new corp token.
    const upstream = await whoami();
    secrets.add('second corp upstream access token', upstream);
    expect(upstream).toMatch(/^Bearer midp/);
    expect(upstream).not.toBe(firstUpstreamToken);
    expect(traffic.routeAnswers.at(-1)!.status).toBe(200);
    // One refused refresh and one code exchange: the client did not loop at the token endpoint.
    expect(traffic.tokenGrants).toEqual(['refresh_token', 'authorization_code']);
  });

  it('no token, code or secret of this run appears in the gateway logs', async () => {
    await client.close();
    expect(await stack.gateways[0]!.stop()).toBe(0);
    expect(stack.gatewayOutput()).toContain('grant.revoked');
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the gateway output');
  });
});
