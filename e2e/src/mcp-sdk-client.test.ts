import { Browser, completeLogin } from '@auth/test-kit';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { InvalidGrantError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryProvider } from './support/mcp-provider.js';
import { stopAll } from './support/process.js';
import { SecretsSeen } from './support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from './support/stack.js';

const REDIRECT_URI = 'http://127.0.0.1:33418/oauth/callback';

/** The MCP TypeScript SDK's `auth()` against the spawned gateway. */
describe('MCP TypeScript SDK client auth() against the gateway', () => {
  let stack: Stack;
  const provider = new InMemoryProvider(REDIRECT_URI);
  const secrets = new SecretsSeen();
  let serverUrl: string;
  let usedCode = '';

  beforeAll(async () => {
    stack = await startStack();
    serverUrl = `${stack.issuer}/mcp/corp`;
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
  });
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  it('discovers from the resource, registers, and redirects with PKCE S256 and the resource', async () => {
    expect(await auth(provider, { serverUrl })).toBe('REDIRECT');
    expect(provider.client?.client_id).toEqual(expect.any(String));
    expect(provider.redirects).toHaveLength(1);
    const url = provider.redirects[0]!;
    expect(`${url.origin}${url.pathname}`).toBe(`${stack.issuer}/oauth/authorize`);
    expect(url.searchParams.get('client_id')).toBe(provider.client?.client_id);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    // The SDK takes the resource from the RFC 9728 document the gateway serves.
    expect(url.searchParams.get('resource')).toBe(serverUrl);
    expect(url.searchParams.get('state')).toBe(provider.lastState);
    expect(provider.verifier).not.toBe('');
  });

  it('the browser part (consent, corp and github forms) ends at the redirect URI; the code gives working tokens', async () => {
    const browser = new Browser();
    const login = await completeLogin(browser, provider.redirects[0]!.href, {
      redirectUri: REDIRECT_URI,
      username: 'bob',
    });
    expect(login.pages.map((p) => p.kind)).toEqual(['consent', 'login', 'login']);
    expect(login.callback.searchParams.get('state')).toBe(provider.lastState);
    expect(login.callback.searchParams.get('iss')).toBe(stack.issuer);
    const code = login.callback.searchParams.get('code');
    expect(code).toEqual(expect.any(String));
    secrets.add('gateway code', code);
    usedCode = code!;

    expect(await auth(provider, { serverUrl, authorizationCode: code! })).toBe('AUTHORIZED');
    const tokens = provider.saved!;
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    secrets.add('gateway access_token', tokens.access_token);
    secrets.add('gateway refresh_token', tokens.refresh_token);

    const answer = await fetch(`${serverUrl}/rpc`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: '{"jsonrpc":"2.0","id":1,"method":"initialize"}',
    });
    expect(answer.status).toBe(200);
    const echoed = (await answer.json()) as { backend: string; headers: Record<string, string> };
    expect(echoed.backend).toBe('corp-backend');
    const upstream = echoed.headers['authorization'] ?? '';
    secrets.add('corp upstream access token', upstream);
    expect(upstream).not.toContain(tokens.access_token);
    const userinfo = await fetch(`${stack.corp.url}/userinfo`, { headers: { authorization: upstream } });
    expect(((await userinfo.json()) as { sub: string }).sub).toBe('bob');
  });

  it('the token is bound to the resource the SDK asked for (RFC 8707): /mcp/github refuses it', async () => {
    const answer = await fetch(`${stack.issuer}/mcp/github`, {
      headers: { authorization: `Bearer ${provider.saved!.access_token}` },
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(answer.headers.get('www-authenticate')).toContain(
      `resource_metadata="${stack.issuer}/.well-known/oauth-protected-resource/mcp/github"`,
    );
    expect(stack.githubBackend.received).toHaveLength(0);
  });

  it('a replayed code fails with invalid_grant and revokes the grant its first use issued', async () => {
    const replay = new InMemoryProvider(REDIRECT_URI);
    replay.client = provider.client;
    replay.verifier = provider.verifier;
    const failure = await auth(replay, { serverUrl, authorizationCode: usedCode }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(InvalidGrantError);
    expect(replay.saved).toBeUndefined();

    const refresh = await fetch(`${stack.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: provider.saved!.refresh_token!,
        client_id: provider.client!.client_id,
      }),
    });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('no token, code or secret of this run appears in the gateway logs', async () => {
    expect(secrets.size).toBeGreaterThanOrEqual(5);
    expect(await stack.gateways[0]!.stop()).toBe(0);
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the gateway output');
  });
});
