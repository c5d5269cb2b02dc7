import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { parseConfig } from '@auth/config';
import {
  type FlowClient,
  type Listening,
  listen,
  login,
  type MockIdp,
  registerClient,
  startMockIdp,
} from '@auth/test-kit';
import { type McpBackend, startMcpBackend } from '@auth/test-kit/mcp-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type CallToolResult, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../gateway/create-gateway.js';
import { createLogger } from '../logging/create-logger.js';
import { BACKEND_FAILURE_META } from './backend-failure.js';

const REDIRECT = 'http://127.0.0.1:61998/cb';
const tsidOf = (jwt: string): string =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).tsid as string;
const textOf = (result: CallToolResult): string => (result.content[0] as { text: string }).text;
const until = async <T>(attempt: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
  for (let tries = 0; ; tries += 1) {
    const value = await attempt();
    if (done(value) || tries >= 100) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/**
 * The aggregate route in-process: the real gateway, two mock IdPs, two real MCP servers (the
 * SDK's McpServer over Streamable HTTP) and the SDK's Client on the other side.
 */
describe('aggregate route: one MCP endpoint over two backends with their own upstream tokens', () => {
  let corp: MockIdp;
  let github: MockIdp;
  let corpMcp: McpBackend;
  let githubMcp: McpBackend;
  let server: Listening;
  let gateway: Gateway;
  let url: string;
  let flow: FlowClient;
  const clients: Client[] = [];
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });

  beforeAll(async () => {
    [corp, github, corpMcp, githubMcp] = await Promise.all([
      startMockIdp({ mode: 'oidc', clientId: 'gateway', autoLogin: 'alice' }),
      startMockIdp({ mode: 'oauth2', clientId: 'gateway', autoLogin: 'alice' }),
      startMcpBackend('corp'),
      startMcpBackend('github'),
    ]);
    server = await listen(createServer());
    url = server.url;
    const config = parseConfig(
      {
        issuer: url,
        upstreams: [
          {
            name: 'corp',
            type: 'oidc',
            issuer: corp.issuer,
            client_id: 'gateway',
            scopes: ['openid', 'offline_access'],
          },
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
            aggregate_sessions: { per_gateway_session: 3, total: 5 },
          },
        ],
      },
      { env: {} },
    );
    gateway = await createGateway({
      config,
      logger: createLogger({ destination: discard }),
      warnOnMemoryStorage: false,
      aggregateBackoffMs: 20,
      aggregateRevocationCheckMs: 100,
    });
    server.server.on('request', gateway.app);
    flow = await registerClient(url, { client_name: 'aggregate test', redirect_uris: [REDIRECT] });
  });
  /** Ends the test's client sessions (DELETE), so each test counts only its own. */
  const endSessions = () =>
    Promise.all(
      clients.splice(0).map(async (client) => {
        await (client.transport as StreamableHTTPClientTransport).terminateSession().catch(() => {});
        await client.close().catch(() => {});
      }),
    );
  afterEach(endSessions);
  afterAll(async () => {
    await endSessions();
    await server?.close();
    await gateway?.close();
    await Promise.all([corp?.close(), github?.close(), corpMcp?.close(), githubMcp?.close()]);
  });

  const newLogin = async (fc: FlowClient = flow) =>
    (await login(fc, { scope: 'openid offline_access' }, { redirectUri: REDIRECT, username: 'alice' }))
      .tokens;

  /** An SDK client on `/mcp`; `token.value` is read on every request, so a new login takes effect. */
  async function connect(token: { value: string }): Promise<Client> {
    const client = new Client({ name: 'aggregate-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set('authorization', `Bearer ${token.value}`);
        return fetch(input, { ...init, headers });
      },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }
  const whoami = async (client: Client, backend: string) =>
    (await client.callTool({ name: `${backend}__whoami`, arguments: {} })) as CallToolResult;

  it('merges the tools under prefixes; each backend gets only its own provider’s live token, never the JWT', async () => {
    const tokens = await newLogin();
    const client = await connect({ value: tokens.access_token });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'corp__slow',
      'corp__whoami',
      'github__slow',
      'github__whoami',
    ]);
    const fromCorp = JSON.parse(textOf(await whoami(client, 'corp')));
    const fromGithub = JSON.parse(textOf(await whoami(client, 'github')));
    expect(fromCorp).toMatchObject({ backend: 'corp', upstreamToken: null });
    expect(fromCorp.authorization).toMatch(new RegExp(`^Bearer ${corp.tokenPrefix}`));
    expect(fromGithub).toMatchObject({ backend: 'github', authorization: null });
    expect(fromGithub.upstreamToken).toMatch(new RegExp(`^${github.tokenPrefix}`));
    for (const call of [...corpMcp.calls, ...githubMcp.calls]) {
      expect(JSON.stringify(call)).not.toContain(tokens.access_token);
    }
    // Live tokens: each IdP's userinfo accepts the one its backend got.
    const corpUser = await fetch(`${corp.url}/userinfo`, {
      headers: { authorization: fromCorp.authorization },
    });
    expect(corpUser.status).toBe(200);
    const githubUser = await fetch(`${github.url}/user`, {
      headers: { authorization: `Bearer ${fromGithub.upstreamToken}` },
    });
    expect(githubUser.status).toBe(200);
  });

  it('resources and prompts are merged and read from their owner', async () => {
    const client = await connect({ value: (await newLogin()).access_token });
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri).sort()).toEqual([
      'corp+file:///note.txt',
      'github+file:///note.txt',
    ]);
    const read = await client.readResource({ uri: 'github+file:///note.txt' });
    expect(read.contents[0]).toMatchObject({ uri: 'github+file:///note.txt', text: 'a note from github' });
    const { prompts } = await client.listPrompts();
    expect(prompts.map((prompt) => prompt.name).sort()).toEqual(['corp__greet', 'github__greet']);
    const prompt = await client.getPrompt({ name: 'corp__greet', arguments: { who: 'bob' } });
    expect(prompt.messages[0]!.content).toMatchObject({ text: 'corp greets bob' });
    await expect(client.callTool({ name: 'nobody__whoami', arguments: {} })).rejects.toThrow(/unknown tool/);
  });

  it('progress reaches the client and a cancellation reaches the backend', async () => {
    const client = await connect({ value: (await newLogin()).access_token });
    const progress: number[] = [];
    const done = await client.callTool({ name: 'corp__slow', arguments: { steps: 3 } }, undefined, {
      onprogress: (update) => progress.push(update.progress),
    });
    expect(textOf(done as CallToolResult)).toBe('done 3');
    expect(progress).toEqual([1, 2, 3]);

    const abort = new AbortController();
    const before = githubMcp.cancelled;
    const call = client.callTool({ name: 'github__slow', arguments: { steps: 500 } }, undefined, {
      signal: abort.signal,
      onprogress: (update) => {
        if (update.progress === 2) abort.abort();
      },
    });
    await expect(call).rejects.toThrow();
    expect(
      (await until(
        async () => githubMcp.cancelled,
        (n) => n > before,
      )) > before,
    ).toBe(true);
  });

  it('list_changed of a backend reaches the client, and the new tool is listed', async () => {
    const client = await connect({ value: (await newLogin()).access_token });
    await client.listTools(); // opens both backend sessions (and their notification streams)
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changed += 1;
    });
    // The backend's standalone GET stream is opened right after initialize: wait until it is there.
    await until(
      async () => {
        githubMcp.addTool(`extra${changed}${Date.now()}`);
        return changed;
      },
      (n) => n > 0,
    );
    expect(changed).toBeGreaterThan(0);
    const { tools } = await client.listTools();
    expect(tools.some((tool) => tool.name.startsWith('github__extra'))).toBe(true);
  });

  it('a provider whose token is gone loses only its own tools, with an error naming it; a new login restores them', async () => {
    const token = { value: (await newLogin()).access_token };
    const client = await connect(token);
    await client.listTools();
    expect((await whoami(client, 'corp')).isError).toBeFalsy();
    // What refresh on read does after the upstream answered invalid_grant.
    await gateway.storage.deleteUpstreamTokensForProvider(tsidOf(token.value), 'corp');
    const failed = await whoami(client, 'corp');
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toMatch(/^corp: sign-in to corp required; signing in again will restore/);
    expect(failed._meta?.[BACKEND_FAILURE_META]).toEqual({
      backend: 'corp',
      provider: 'corp',
      reason: 'sign_in_required',
      sign_in_again: true,
    });
    expect((await whoami(client, 'github')).isError).toBeFalsy();
    // Its tools stay listed (a call explains what is wrong); the other backend's too.
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('corp__whoami');

    token.value = (await newLogin()).access_token;
    expect(JSON.parse(textOf(await whoami(client, 'corp'))).authorization).toMatch(/^Bearer /);
    expect((await whoami(client, 'github')).isError).toBeFalsy();
  });

  it('a session is only for the user and client that opened it', async () => {
    const client = await connect({ value: (await newLogin()).access_token });
    const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId!;
    const other = await registerClient(url, { client_name: 'other', redirect_uris: [REDIRECT] });
    const foreign = await newLogin(other);
    const answer = await fetch(`${url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${foreign.access_token}`,
        'mcp-session-id': sessionId,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(answer.status).toBe(404);
  });

  it('a backend that goes down fails alone and works again after it restarts, without a new login', async () => {
    const client = await connect({ value: (await newLogin()).access_token });
    expect((await whoami(client, 'corp')).isError).toBeFalsy();
    const port = corpMcp.port;
    await corpMcp.close();
    const down = await whoami(client, 'corp');
    expect(down.isError).toBe(true);
    expect(textOf(down)).toMatch(
      /^corp: the corp MCP server \(corp\) is unavailable; signing in again will not help/,
    );
    expect((await whoami(client, 'github')).isError).toBeFalsy();
    corpMcp = await startMcpBackend('corp', { port });
    const back = await until(
      () => whoami(client, 'corp'),
      (result) => !result.isError,
    );
    expect(back.isError).toBeFalsy();
    expect(corpMcp.calls).toHaveLength(1);
  });

  it('a revoked login’s client sessions are closed, and their backend sessions with them', async () => {
    const tokens = await newLogin();
    const client = await connect({ value: tokens.access_token });
    await client.listTools();
    expect(gateway.aggregateStats()['/mcp']).toEqual({ sessions: 1, backendSessions: 2 });
    const open = corpMcp.openSessions + githubMcp.openSessions;
    const revoked = await fetch(`${url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refresh_token!, client_id: flow.client.client_id }),
    });
    expect(revoked.status).toBe(200);
    const after = await until(
      async () => gateway.aggregateStats()['/mcp']!,
      (stats) => stats.sessions === 0,
    );
    expect(after).toEqual({ sessions: 0, backendSessions: 0 });
    // The backends hear of it (HTTP DELETE) right after.
    const atBackends = await until(
      async () => corpMcp.openSessions + githubMcp.openSessions,
      (n) => n === open - 2,
    );
    expect(atBackends).toBe(open - 2);
  });

  it('bounds client sessions per login and in total; ending sessions frees their backend sessions', async () => {
    // Close what the other tests opened, so the counts are this test's.
    await Promise.all(
      clients
        .splice(0)
        .map((client) =>
          (client.transport as StreamableHTTPClientTransport).terminateSession().then(() => client.close()),
        ),
    );
    await until(
      async () => gateway.aggregateStats()['/mcp']!.sessions,
      (n) => n === 0,
    );
    expect(gateway.aggregateStats()['/mcp']).toEqual({ sessions: 0, backendSessions: 0 });

    const first = { value: (await newLogin()).access_token };
    const own = [await connect(first), await connect(first), await connect(first)];
    await Promise.all(own.map((client) => client.listTools()));
    expect(gateway.aggregateStats()['/mcp']).toEqual({ sessions: 3, backendSessions: 6 });
    const refused = await connect(first).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StreamableHTTPError);
    expect((refused as StreamableHTTPError).code).toBe(429);
    expect(String(refused)).toMatch(/too many MCP sessions for this login on \/mcp \(limit 3\); end one/);

    const second = { value: (await newLogin()).access_token };
    const others = [await connect(second), await connect(second)];
    const total = await connect(second).catch((error: unknown) => error);
    expect((total as StreamableHTTPError).code).toBe(503);
    expect(String(total)).toMatch(/too many MCP sessions on \/mcp \(limit 5\)/);

    const deletedBefore = corpMcp.deletedSessions + githubMcp.deletedSessions;
    await (own[0]!.transport as StreamableHTTPClientTransport).terminateSession();
    expect(gateway.aggregateStats()['/mcp']).toEqual({ sessions: 4, backendSessions: 4 });
    expect(corpMcp.deletedSessions + githubMcp.deletedSessions).toBe(deletedBefore + 2);
    clients.push(await connect(second));
    expect(gateway.aggregateStats()['/mcp']!.sessions).toBe(5);
    expect(others).toHaveLength(2);

    // Shutdown ends every backend session at its backend.
    const openAtBackends = corpMcp.openSessions + githubMcp.openSessions;
    expect(openAtBackends).toBe(4);
    await gateway.close();
    expect(gateway.aggregateStats()['/mcp']).toEqual({ sessions: 0, backendSessions: 0 });
    expect(corpMcp.openSessions + githubMcp.openSessions).toBe(0);
  });
});
