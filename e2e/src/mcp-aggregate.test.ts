import { Browser, completeLogin } from '@auth/test-kit';
import { type McpBackend, startMcpBackend } from '@auth/test-kit/mcp-backend';
import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryProvider } from './support/mcp-provider.js';
import { stopAll } from './support/process.js';
import { SecretsSeen } from './support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from './support/stack.js';

const REDIRECT_URI = 'http://127.0.0.1:33424/oauth/callback';
/** corp access tokens live 2 s, so the test can wait until the stored one is due for refresh. */
const TTL_SECONDS = 2;
const PER_LOGIN = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const textOf = (result: CallToolResult): string => (result.content[0] as { text: string }).text;

/** Polls `attempt` until `done` (at most ~20 s): for a backend that is starting again. */
async function until<T>(attempt: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let tries = 0; ; tries += 1) {
    const value = await attempt();
    if (done(value) || tries >= 80) return value;
    await sleep(250);
  }
}

/**
 * One MCP endpoint for two backends (issue: the consumer the RFC was written for): the MCP SDK
 * Client connects to `/mcp` of the gateway CLI once and logs in once through both mock IdP CLIs;
 * two real SDK McpServers behind it each receive only their own provider's token.
 */
describe('aggregate route: one MCP endpoint, two backends, one login', () => {
  let stack: Stack;
  let corpMcp: McpBackend;
  let githubMcp: McpBackend;
  const provider = new InMemoryProvider(REDIRECT_URI);
  const browser = new Browser();
  const secrets = new SecretsSeen();
  let serverUrl: URL;
  let client: Client;
  let transport: StreamableHTTPClientTransport;
  const extra: Client[] = [];

  const connect = () => new StreamableHTTPClientTransport(serverUrl, { authProvider: provider });
  const call = async (tool: string, on: Client = client) =>
    (await on.callTool({ name: tool, arguments: {} })) as CallToolResult;
  const seen = (result: CallToolResult) =>
    JSON.parse(textOf(result)) as {
      backend: string;
      authorization: string | null;
      upstreamToken: string | null;
    };
  /** A new authorization in the same browser (the IdPs remember it: no forms), finished on `transport`. */
  async function loginAgain(): Promise<void> {
    provider.invalidateCredentials('tokens');
    expect(await auth(provider, { serverUrl })).toBe('REDIRECT');
    const login = await completeLogin(browser, provider.redirects.at(-1)!.href, {
      redirectUri: REDIRECT_URI,
      username: 'ivan',
    });
    await transport.finishAuth(login.callback.searchParams.get('code')!);
    secrets.add('second gateway access_token', provider.saved?.access_token);
    secrets.add('second gateway refresh_token', provider.saved?.refresh_token);
  }

  beforeAll(async () => {
    [corpMcp, githubMcp] = await Promise.all([startMcpBackend('corp'), startMcpBackend('github')]);
    stack = await startStack({
      corpAccessTokenTtl: TTL_SECONDS,
      editConfig: (config) => {
        config['routes'] = [
          {
            path: '/mcp',
            aggregate: [
              { name: 'corp', backend: corpMcp.url, upstream: 'corp' },
              {
                name: 'github',
                backend: githubMcp.url,
                upstream: 'github',
                header_strategy: 'custom',
                custom_header_name: 'X-Upstream-Token',
              },
            ],
            aggregate_sessions: { per_gateway_session: PER_LOGIN },
          },
        ];
      },
    });
    serverUrl = new URL(`${stack.issuer}/mcp`);
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
  });
  afterAll(async () => {
    await Promise.all([client, ...extra].map((c) => c?.close().catch(() => {})));
    await stack?.stop();
    await Promise.all([corpMcp?.close(), githubMcp?.close()]);
    await stopAll();
  });

  it('logs in once through both IdPs; lists both backends’ tools; each backend saw only its own live token', async () => {
    const first = new Client({ name: 'e2e-aggregate', version: '1.0.0' });
    const loginTransport = connect();
    await expect(first.connect(loginTransport)).rejects.toBeInstanceOf(UnauthorizedError);
    // The SDK took the resource from the route's RFC 9728 metadata.
    expect(provider.redirects[0]!.searchParams.get('resource')).toBe(serverUrl.href);
    const login = await completeLogin(browser, provider.redirects[0]!.href, {
      redirectUri: REDIRECT_URI,
      username: 'ivan',
    });
    expect(login.pages.map((p) => p.kind)).toEqual(['consent', 'login', 'login']);
    const code = login.callback.searchParams.get('code')!;
    secrets.add('gateway code', code);
    await loginTransport.finishAuth(code);
    await first.close();
    const jwt = provider.saved!.access_token;
    secrets.add('gateway access_token', jwt);
    secrets.add('gateway refresh_token', provider.saved?.refresh_token);

    client = new Client({ name: 'e2e-aggregate', version: '1.0.0' });
    transport = connect();
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['corp__whoami', 'corp__slow', 'github__whoami', 'github__slow']),
    );
    const corp = seen(await call('corp__whoami'));
    const github = seen(await call('github__whoami'));
    secrets.add('corp upstream access token', corp.authorization);
    secrets.add('github upstream access token', github.upstreamToken);
    expect(corp).toMatchObject({ backend: 'corp', upstreamToken: null });
    expect(corp.authorization).toMatch(/^Bearer midp/);
    expect(github).toMatchObject({ backend: 'github', authorization: null });
    expect(github.upstreamToken).toMatch(/^midp/);
    for (const received of [...corpMcp.calls, ...githubMcp.calls])
      expect(JSON.stringify(received)).not.toContain(jwt);
    // Live tokens of the right IdP: each one's userinfo accepts its own and refuses the other's.
    const corpUser = await fetch(`${stack.corp.url}/userinfo`, {
      headers: { authorization: corp.authorization! },
    });
    expect(((await corpUser.json()) as { sub: string }).sub).toBe('ivan');
    const githubUser = await fetch(`${stack.github.url}/user`, {
      headers: { authorization: `Bearer ${github.upstreamToken}` },
    });
    expect(githubUser.status).toBe(200);
    const crossed = await fetch(`${stack.corp.url}/userinfo`, {
      headers: { authorization: `Bearer ${github.upstreamToken}` },
    });
    expect(crossed.status).toBe(401);
  });

  it('corp refresh answering invalid_grant: corp tools return the provider-named error, GitHub tools keep working; a new login restores both', async () => {
    const fault = await fetch(`${stack.corp.url}/_mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_error: 'invalid_grant', once: true }),
    });
    expect(fault.status).toBeLessThan(300);
    // The corp token the session holds is expired by now; the gateway's refresh is refused.
    await sleep(TTL_SECONDS * 1000 + 500);
    const failed = await call('corp__whoami');
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toMatch(/^corp: sign-in to corp required; signing in again will restore/);
    expect(failed._meta?.['auth-gateway/backend-failure']).toMatchObject({
      provider: 'corp',
      sign_in_again: true,
    });
    const github = await call('github__whoami');
    expect(github.isError).toBeFalsy();
    expect(seen(github).upstreamToken).toMatch(/^midp/);

    const sessionId = transport.sessionId;
    await loginAgain();
    const corp = await call('corp__whoami');
    expect(corp.isError).toBeFalsy();
    secrets.add('second corp upstream access token', seen(corp).authorization);
    expect((await call('github__whoami')).isError).toBeFalsy();
    // The same MCP session all along.
    expect(transport.sessionId).toBe(sessionId);
  });

  it('a backend killed mid-session fails alone with the named error, and works again after it restarts without a new login', async () => {
    const port = githubMcp.port;
    const redirects = provider.redirects.length;
    await githubMcp.close();
    const down = await call('github__whoami');
    expect(down.isError).toBe(true);
    expect(textOf(down)).toMatch(
      /^github: the github MCP server \(github\) is unavailable; signing in again will not help/,
    );
    expect((await call('corp__whoami')).isError).toBeFalsy();

    githubMcp = await startMcpBackend('github', { port });
    const back = await until(
      () => call('github__whoami'),
      (result) => !result.isError,
    );
    expect(back.isError).toBeFalsy();
    expect(seen(back).upstreamToken).toMatch(/^midp/);
    expect(provider.redirects).toHaveLength(redirects);
  });

  it('more client sessions than the bound are refused with a clear error; ending one frees its backend sessions', async () => {
    for (let i = 1; i < PER_LOGIN; i += 1) {
      const more = new Client({ name: `e2e-aggregate-${i}`, version: '1.0.0' });
      await more.connect(connect());
      await more.listTools();
      extra.push(more);
    }
    const atBackends = () => corpMcp.openSessions + githubMcp.openSessions;
    expect(atBackends()).toBe(2 * PER_LOGIN);
    const refused = await new Client({ name: 'one-too-many', version: '1.0.0' })
      .connect(connect())
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StreamableHTTPError);
    expect((refused as StreamableHTTPError).code).toBe(429);
    expect(String(refused)).toContain(`too many MCP sessions for this login on /mcp (limit ${PER_LOGIN})`);

    await (extra[0]!.transport as StreamableHTTPClientTransport).terminateSession();
    expect(atBackends()).toBe(2 * (PER_LOGIN - 1));
    const again = new Client({ name: 'after-delete', version: '1.0.0' });
    await again.connect(connect());
    extra.push(again);
  });

  it('shutdown ends every backend session; no token, code or secret appears in the gateway logs', async () => {
    await Promise.all([client, ...extra].map((c) => c.close()));
    expect(corpMcp.openSessions + githubMcp.openSessions).toBeGreaterThan(0);
    expect(await stack.gateways[0]!.stop()).toBe(0);
    expect(corpMcp.openSessions + githubMcp.openSessions).toBe(0);
    expect(secrets.size).toBeGreaterThanOrEqual(8);
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the gateway output');
  });
});
