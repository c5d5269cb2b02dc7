import { type EchoBackend, type GatewayLogin, loginThroughGateway } from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwoUpstreamGateway, type TwoUpstreamGateway } from '../test-support/two-upstream-gateway.js';

/**
 * The protected routes refuse the unexpired access tokens of a revoked grant: what revocation
 * deletes (the session's upstream tokens) is what the identity middleware already reads on every
 * request (docs/architecture.md#when-a-grant-ends).
 */
describe('protected routes after a grant is revoked', () => {
  let stack: TwoUpstreamGateway;
  let backend: EchoBackend;
  let url: string;

  beforeAll(async () => {
    stack = await startTwoUpstreamGateway();
    ({ backend, url } = stack);
  });
  afterAll(() => stack?.close());

  const form = (path: string, body: Record<string, string>) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    });
  const refresh = (login: GatewayLogin, refreshToken: string) =>
    form('/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: login.clientId,
    });
  const call = (path: string, accessToken: string) =>
    fetch(`${url}${path}`, { headers: { authorization: `Bearer ${accessToken}` } });

  async function expectRoutesServe(accessToken: string): Promise<void> {
    for (const path of ['/mcp/corp', '/mcp/github']) expect((await call(path, accessToken)).status).toBe(200);
  }

  /** Both routes answer 401 invalid_token (so an MCP client refreshes, then authorizes), reaching no backend. */
  async function expectRoutesRefuse(accessToken: string): Promise<void> {
    const before = backend.received.length;
    for (const path of ['/mcp/corp', '/mcp/github']) {
      const answer = await call(path, accessToken);
      expect(answer.status, path).toBe(401);
      expect(answer.headers.get('www-authenticate'), path).toContain('error="invalid_token"');
    }
    expect(backend.received.length).toBe(before);
  }

  const newLogin = () => loginThroughGateway(url, { username: 'alice' });

  it('refresh-token revocation (RFC 7009)', async () => {
    const login = await newLogin();
    await expectRoutesServe(login.tokens.access_token);
    const revoked = await form('/oauth/revoke', {
      token: login.tokens.refresh_token!,
      client_id: login.clientId,
    });
    expect(revoked.status).toBe(200);
    await expectRoutesRefuse(login.tokens.access_token);
  });

  it('access-token revocation (RFC 7009)', async () => {
    const login = await newLogin();
    const revoked = await form('/oauth/revoke', {
      token: login.tokens.access_token,
      token_type_hint: 'access_token',
      client_id: login.clientId,
    });
    expect(revoked.status).toBe(200);
    await expectRoutesRefuse(login.tokens.access_token);
  });

  it('code replay (RFC 6749 §4.1.2)', async () => {
    const login = await newLogin();
    await expectRoutesServe(login.tokens.access_token);
    const replay = await form('/oauth/token', {
      grant_type: 'authorization_code',
      code: login.code,
      redirect_uri: login.request.redirectUri,
      code_verifier: login.request.verifier,
      client_id: login.clientId,
    });
    expect(replay.status).toBe(400);
    await expectRoutesRefuse(login.tokens.access_token);
  });

  it('refresh-token reuse (RFC 9700 §4.14.2)', async () => {
    const login = await newLogin();
    const rotated = (await (await refresh(login, login.tokens.refresh_token!)).json()) as {
      access_token: string;
    };
    await expectRoutesServe(rotated.access_token);
    expect((await refresh(login, login.tokens.refresh_token!)).status).toBe(400);
    await expectRoutesRefuse(login.tokens.access_token);
    await expectRoutesRefuse(rotated.access_token);
  });

  it('a session that lost a required upstream: its route refuses at once, every route once the refresh ended the grant', async () => {
    const login = await newLogin();
    const tsid = JSON.parse(Buffer.from(login.tokens.access_token.split('.')[1]!, 'base64url').toString())
      .tsid as string;
    // What refresh on read does after an upstream invalid_grant.
    await stack.gateway.storage.deleteUpstreamTokensForProvider(tsid, 'github');
    expect((await call('/mcp/github', login.tokens.access_token)).status).toBe(401);
    expect((await call('/mcp/corp', login.tokens.access_token)).status).toBe(200);
    const refused = await refresh(login, login.tokens.refresh_token!);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_grant');
    await expectRoutesRefuse(login.tokens.access_token);
  });
});
