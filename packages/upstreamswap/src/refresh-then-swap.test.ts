import { randomUUID } from 'node:crypto';
import { createMemoryStorage, type Storage } from '@auth/storage';
import {
  type EchoBackend,
  type Listening,
  type MockUpstream,
  startEchoBackend,
  startMockUpstream,
} from '@auth/test-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { protectedRoute } from './protected-route.js';
import { identityFixture, RESOURCE_METADATA } from './test-support/identity-fixture.js';
import { startGateway } from './test-support/servers.js';
import { createUpstreamSwap } from './upstream-swap.js';

/**
 * Two routes of one gateway, each identity (refreshing only its own provider) →
 * upstreamswap → real proxy → echo backend, against two real mock IdPs (issue 6, "It must show" 3–4).
 */
describe('refresh on read, then swap, per route', () => {
  let storage: Storage;
  let corp: MockUpstream;
  let github: MockUpstream;
  let backend: EchoBackend;
  let corpRoute: Listening;
  let githubRoute: Listening;
  let mint: (sessionId: string) => Promise<string>;
  let mintGithub: (sessionId: string) => Promise<string>;
  let jwt: string;
  let sessionId: string;

  beforeAll(async () => {
    storage = createMemoryStorage();
    [corp, github, backend] = await Promise.all([
      startMockUpstream('corp', 'oidc'),
      startMockUpstream('github', 'oauth2'),
      startEchoBackend(),
    ]);
    const upstreamClients = { corp: corp.client, github: github.client };
    const corpIdentity = await identityFixture(storage, { upstreamClients, refreshProviders: ['corp'] });
    const githubIdentity = await identityFixture(storage, { upstreamClients, refreshProviders: ['github'] });
    mint = corpIdentity.mint;
    corpRoute = await startGateway(
      backend.url,
      protectedRoute(
        corpIdentity.identity,
        createUpstreamSwap({ providerName: 'corp', headerStrategy: 'replace' }),
      ),
    );
    // Each fixture has its own key: the github route trusts only its own, so mint with it there.
    githubRoute = await startGateway(
      backend.url,
      protectedRoute(
        githubIdentity.identity,
        createUpstreamSwap({
          providerName: 'github',
          headerStrategy: 'custom',
          customHeaderName: 'X-Upstream-Token',
          resourceMetadataUrl: RESOURCE_METADATA,
        }),
      ),
    );
    mintGithub = githubIdentity.mint;
  });
  afterAll(async () => {
    await Promise.all([
      corpRoute?.close(),
      githubRoute?.close(),
      backend?.close(),
      corp?.idp.close(),
      github?.idp.close(),
    ]);
    await storage?.close();
  });
  beforeEach(async () => {
    sessionId = `s-${randomUUID()}`;
    jwt = await mint(sessionId);
    corp.idp.clearFaults();
    github.idp.clearFaults();
    const expired = Date.now() - 1_000;
    await storage.storeUpstreamTokens(sessionId, 'corp', { ...(await corp.login()), expiresAt: expired });
    await storage.storeUpstreamTokens(sessionId, 'github', { ...(await github.login()), expiresAt: expired });
  });

  async function get(route: Listening, token: string) {
    const response = await fetch(route.url, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as { headers?: Record<string, string>; error_description?: string },
    };
  }

  it('an expired upstream token is refreshed before the swap; the backend gets a token its IdP accepts', async () => {
    const before = await storage.getUpstreamTokens(sessionId, 'corp');
    const corpAnswer = await get(corpRoute, jwt);
    expect(corpAnswer.status).toBe(200);
    const forwarded = corpAnswer.body.headers?.['authorization']?.replace(/^Bearer /, '');
    expect(forwarded).toBeDefined();
    expect(forwarded).not.toBe(before?.accessToken);
    expect(await corp.accepts(forwarded!)).toBe(true);

    const githubAnswer = await get(githubRoute, await mintGithub(sessionId));
    expect(githubAnswer.status).toBe(200);
    expect(githubAnswer.body.headers?.['authorization']).toBeUndefined();
    expect(await github.accepts(githubAnswer.body.headers?.['x-upstream-token'] ?? '')).toBe(true);
  });

  it('invalid_grant: that provider’s route answers 401 while the other route keeps working', async () => {
    corp.idp.setFaults({ refresh_error: 'invalid_grant' });
    const corpAnswer = await get(corpRoute, jwt);
    expect(corpAnswer.status).toBe(401);
    expect(corpAnswer.headers.get('www-authenticate')).toBe(
      'Bearer error="invalid_token", error_description="corp re-authentication required"',
    );
    expect(await storage.getUpstreamTokens(sessionId, 'corp')).toBeUndefined();
    expect((await get(githubRoute, await mintGithub(sessionId))).status).toBe(200);
  });

  it('an IdP 5xx: that provider’s route answers 503 and keeps the tokens; it works again after', async () => {
    github.idp.setFaults({ token_status: 502 });
    const before = await storage.getUpstreamTokens(sessionId, 'github');
    const githubJwt = await mintGithub(sessionId);
    const down = await get(githubRoute, githubJwt);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(await storage.getUpstreamTokens(sessionId, 'github')).toEqual(before);
    expect((await get(corpRoute, jwt)).status).toBe(200);
    github.idp.clearFaults();
    expect((await get(githubRoute, githubJwt)).status).toBe(200);
  });
});
