import { randomUUID } from 'node:crypto';
import { createMemoryStorage, type Storage, type UpstreamTokens } from '@auth/storage';
import { type MockUpstream, recordingLogger, startMockUpstream } from '@auth/test-kit';
import { UpstreamError } from '@auth/upstream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthResult } from './auth-result.js';
import { type Authenticator, type AuthenticatorOptions, createAuthenticator } from './authenticator.js';
import type { Identity } from './identity.js';
import {
  AUDIENCE,
  createTestKey,
  ISSUER,
  mintAccessToken,
  RESOURCE_METADATA,
  type TestKey,
} from './test-support/keys.js';

function identityOf(result: AuthResult): Identity {
  if (!result.ok) throw new Error(`expected success, got ${result.rejection.reason.code}`);
  return result.identity;
}

describe('refresh on read against real mock IdPs', () => {
  let key: TestKey;
  let corp: MockUpstream;
  let github: MockUpstream;
  let storage: Storage;
  let sessionId: string;
  let token: string;
  const logger = recordingLogger();
  const secrets = new Set<string>();

  beforeAll(async () => {
    [key, corp, github] = await Promise.all([
      createTestKey('ES256'),
      startMockUpstream('corp', 'oidc'),
      startMockUpstream('github', 'oauth2'),
    ]);
  });
  afterAll(async () => {
    await corp?.idp.close();
    await github?.idp.close();
    // No access or refresh token value ever reached a log line.
    const logs = logger.lines.join('\n');
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
  beforeEach(async () => {
    storage = createMemoryStorage();
    sessionId = `s-${randomUUID()}`;
    token = await mintAccessToken(key, { claims: { tsid: sessionId } });
    corp.idp.clearFaults();
    github.idp.clearFaults();
  });
  afterEach(async () => {
    await storage.close();
  });

  function authenticator(extra: Partial<AuthenticatorOptions> = {}): Authenticator {
    return createAuthenticator({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: { keys: [key.publicJwk] },
      storage,
      upstreamClients: { corp: corp.client, github: github.client },
      resourceMetadataUrl: RESOURCE_METADATA,
      logger,
      ...extra,
    });
  }

  /** An entry whose access token expired a second ago, with a (fake) refresh token. */
  const expiredEntry = (): UpstreamTokens => ({
    accessToken: 'old-access',
    tokenType: 'Bearer',
    refreshToken: 'old-refresh',
    expiresAt: Date.now() - 1_000,
    userId: 'user-1',
    upstreamSubject: 'alice',
    clientId: 'client-1',
  });

  /** Logs in at the IdP for real and stores the tokens with the given expiry. */
  async function seed(upstream: MockUpstream, provider: string, expiresAt: number): Promise<UpstreamTokens> {
    const tokens = { ...(await upstream.login()), expiresAt };
    secrets.add(tokens.accessToken);
    if (tokens.refreshToken) secrets.add(tokens.refreshToken);
    await storage.storeUpstreamTokens(sessionId, provider, tokens);
    upstream.idp.clearRequests();
    return tokens;
  }

  async function authenticate(auth: Authenticator, refreshProviders: string[]): Promise<Identity> {
    const identity = identityOf(
      await auth.authenticate({ authorization: `Bearer ${token}` }, { refreshProviders }),
    );
    for (const value of Object.values(identity.upstreamTokens)) secrets.add(value);
    return identity;
  }

  it('refreshes an expired upstream token before use, rotates the refresh token and keeps the record', async () => {
    const old = await seed(corp, 'corp', Date.now() - 1_000);
    const identity = await authenticate(authenticator(), ['corp']);
    const fresh = identity.upstreamTokens['corp'];
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(old.accessToken);
    expect(await corp.accepts(fresh!)).toBe(true);
    expect(identity.upstreams['corp']).toMatchObject({ status: 'ok' });
    expect(identity.upstreams['corp']!.expiresAt).toBeGreaterThan(Date.now() + 500_000);
    expect(corp.refreshCount()).toBe(1);
    const stored = await storage.getUpstreamTokens(sessionId, 'corp');
    secrets.add(stored!.refreshToken!);
    expect(stored).toMatchObject({
      accessToken: fresh,
      userId: old.userId,
      upstreamSubject: old.upstreamSubject,
      clientId: old.clientId,
      sessionExpiresAt: old.sessionExpiresAt,
    });
    expect(stored!.refreshToken).toBeDefined();
    expect(stored!.refreshToken).not.toBe(old.refreshToken);
  });

  it('refreshes a token that expires within refreshSkewSeconds', async () => {
    const old = await seed(corp, 'corp', Date.now() + 10_000);
    const identity = await authenticate(authenticator(), ['corp']);
    expect(identity.upstreamTokens['corp']).not.toBe(old.accessToken);
    expect(corp.refreshCount()).toBe(1);
    // Outside the skew window nothing is refreshed.
    await seed(github, 'github', Date.now() + 60_000);
    await authenticate(authenticator(), ['github']);
    expect(github.refreshCount()).toBe(0);
  });

  it('50 concurrent requests of one session cause exactly one refresh at the IdP', async () => {
    await seed(corp, 'corp', Date.now() - 1_000);
    const auth = authenticator();
    const identities = await Promise.all(Array.from({ length: 50 }, () => authenticate(auth, ['corp'])));
    const values = new Set(identities.map((identity) => identity.upstreamTokens['corp']));
    expect(values.size).toBe(1);
    expect(corp.refreshCount()).toBe(1);
    expect(await corp.accepts([...values][0]!)).toBe(true);
  });

  it('two authenticators with separate caches sharing one store refresh once (the lock, then re-read)', async () => {
    await seed(corp, 'corp', Date.now() - 1_000);
    const [a, b] = [authenticator(), authenticator()];
    const identities = await Promise.all(
      Array.from({ length: 50 }, (_, i) => authenticate(i % 2 === 0 ? a : b, ['corp'])),
    );
    expect(new Set(identities.map((identity) => identity.upstreamTokens['corp'])).size).toBe(1);
    expect(corp.refreshCount()).toBe(1);
  });

  it('an upstream whose tokens live less than the skew is refreshed once, not by every request', async () => {
    // Regression: with a 2 s upstream lifetime and a 30 s skew, each freshly refreshed token
    // counted as "about to expire", so every later request refreshed again.
    const shortLived = await startMockUpstream('corp', 'oidc', { accessTokenTtlSeconds: 2 });
    try {
      const tokens = { ...(await shortLived.login()), expiresAt: Date.now() - 1_000 };
      await storage.storeUpstreamTokens(sessionId, 'corp', tokens);
      shortLived.idp.clearRequests();
      const auth = authenticator({ upstreamClients: { corp: shortLived.client } });
      const first = await Promise.all(Array.from({ length: 25 }, () => authenticate(auth, ['corp'])));
      const second = await Promise.all(Array.from({ length: 25 }, () => authenticate(auth, ['corp'])));
      expect(shortLived.refreshCount()).toBe(1);
      const values = new Set([...first, ...second].map((identity) => identity.upstreamTokens['corp']));
      expect(values.size).toBe(1);
      const stored = await storage.getUpstreamTokens(sessionId, 'corp');
      secrets.add(stored!.refreshToken!);
      expect(stored!.obtainedAt).toBeGreaterThan(Date.now() - 5_000);
      expect(stored!.expiresAt! - stored!.obtainedAt!).toBeLessThanOrEqual(2_500);
    } finally {
      await shortLived.idp.close();
    }
  });

  it('refreshes only the providers asked for', async () => {
    const oldCorp = await seed(corp, 'corp', Date.now() - 1_000);
    await seed(github, 'github', Date.now() - 1_000);
    const identity = await authenticate(authenticator(), ['github']);
    expect(Object.keys(identity.upstreamTokens)).toEqual(['github']);
    expect(identity.upstreams['corp']).toEqual({
      status: 'expired',
      expiresAt: oldCorp.expiresAt,
      reason: 'not refreshed for this route',
    });
    expect(corp.refreshCount()).toBe(0);
    expect(github.refreshCount()).toBe(1);
    expect(await github.accepts(identity.upstreamTokens['github']!)).toBe(true);
  });

  it('invalid_grant deletes only that provider; the other provider keeps working', async () => {
    await seed(corp, 'corp', Date.now() - 1_000);
    await seed(github, 'github', Date.now() - 1_000);
    corp.idp.setFaults({ refresh_error: 'invalid_grant' });
    const identity = await authenticate(authenticator(), ['corp', 'github']);
    expect(identity.upstreamTokens['corp']).toBeUndefined();
    expect(identity.upstreams['corp']).toEqual({
      status: 'revoked',
      reason: 'the upstream refused the refresh token (invalid_grant)',
    });
    expect(identity.upstreams['github']!.status).toBe('ok');
    expect(await github.accepts(identity.upstreamTokens['github']!)).toBe(true);
    expect(await storage.getUpstreamTokens(sessionId, 'corp')).toBeUndefined();
    expect(await storage.getUpstreamTokens(sessionId, 'github')).toBeDefined();
    // The next request no longer knows the provider at all.
    const next = await authenticate(authenticator(), ['corp', 'github']);
    expect(next.upstreams['corp']).toBeUndefined();
    expect(next.upstreamTokens['github']).toBe(identity.upstreamTokens['github']);
  });

  it('an IdP 5xx marks the provider unavailable and keeps its tokens; it recovers once the IdP does', async () => {
    const old = await seed(corp, 'corp', Date.now() - 1_000);
    await seed(github, 'github', Date.now() + 3_600_000);
    corp.idp.setFaults({ token_status: 503 });
    const identity = await authenticate(authenticator(), ['corp', 'github']);
    expect(identity.upstreamTokens['corp']).toBeUndefined();
    expect(identity.upstreams['corp']).toMatchObject({ status: 'unavailable', expiresAt: old.expiresAt });
    expect(identity.upstreams['corp']!.reason).toMatch(/^the upstream refresh failed/);
    expect(identity.upstreamTokens['github']).toBeDefined();
    expect(await storage.getUpstreamTokens(sessionId, 'corp')).toEqual(old);
    corp.idp.clearFaults();
    const recovered = await authenticate(authenticator(), ['corp']);
    expect(recovered.upstreams['corp']!.status).toBe('ok');
    expect(await corp.accepts(recovered.upstreamTokens['corp']!)).toBe(true);
  });

  it("invalid_client (the gateway's own credentials refused) keeps the tokens: not a dead refresh token", async () => {
    // Regression: every non-transient UpstreamError counted as permanent, so a rotated or
    // misconfigured client secret deleted the upstream tokens of every session that refreshed.
    const old = await seed(corp, 'corp', Date.now() - 1_000);
    corp.idp.setFaults({ token_error: 'invalid_client', token_status: 401 });
    const identity = await authenticate(authenticator(), ['corp']);
    expect(identity.upstreamTokens['corp']).toBeUndefined();
    expect(identity.upstreams['corp']).toMatchObject({ status: 'unavailable', expiresAt: old.expiresAt });
    expect(await storage.getUpstreamTokens(sessionId, 'corp')).toEqual(old);
    corp.idp.clearFaults();
    const recovered = await authenticate(authenticator(), ['corp']);
    expect(recovered.upstreams['corp']!.status).toBe('ok');
    expect(await corp.accepts(recovered.upstreamTokens['corp']!)).toBe(true);
  });

  it.each([
    ['a non-JSON 200 answer', 'ERR_UPSTREAM_MALFORMED_RESPONSE', 200],
    ['an HTML 404 from a proxy', 'ERR_UPSTREAM_UNEXPECTED_STATUS', 404],
    ['a refreshed ID token that fails validation', 'ERR_UPSTREAM_INVALID_RESPONSE', 200],
  ] as const)(
    '%s keeps the tokens (transient), it is not a dead refresh token',
    async (_name, code, status) => {
      // Regression: these counted as permanent and deleted the tokens although the IdP never
      // said the refresh token was invalid.
      const stored: UpstreamTokens = {
        accessToken: 'old-access',
        tokenType: 'Bearer',
        refreshToken: 'old-refresh',
        expiresAt: Date.now() - 1_000,
        sessionExpiresAt: Date.now() + 86_400_000,
        userId: 'user-1',
        upstreamSubject: 'alice',
        clientId: 'client-1',
      };
      await storage.storeUpstreamTokens(sessionId, 'corp', stored);
      const auth = authenticator({
        upstreamClients: {
          corp: {
            refresh: async () => {
              throw new UpstreamError('corp', code, 'upstream "corp" answered something unexpected', {
                status,
              });
            },
          },
        },
      });
      const identity = await authenticate(auth, ['corp']);
      expect(identity.upstreamTokens['corp']).toBeUndefined();
      expect(identity.upstreams['corp']).toEqual({
        status: 'unavailable',
        expiresAt: stored.expiresAt,
        reason: `the upstream refresh failed (${code})`,
      });
      expect(await storage.getUpstreamTokens(sessionId, 'corp')).toEqual(stored);
    },
  );

  it('a transient failure inside the skew window keeps serving the still-valid token', async () => {
    const old = await seed(corp, 'corp', Date.now() + 10_000);
    corp.idp.setFaults({ token_status: 502 });
    const identity = await authenticate(authenticator(), ['corp']);
    expect(identity.upstreamTokens['corp']).toBe(old.accessToken);
    expect(identity.upstreams['corp']!.status).toBe('ok');
  });

  it('an expired token without a refresh token is expired, not refreshed', async () => {
    const { refreshToken: _dropped, ...noRefresh } = await corp.login();
    secrets.add(noRefresh.accessToken);
    await storage.storeUpstreamTokens(sessionId, 'corp', { ...noRefresh, expiresAt: Date.now() - 1_000 });
    corp.idp.clearRequests();
    const identity = await authenticate(authenticator(), ['corp']);
    expect(identity.upstreams['corp']).toMatchObject({ status: 'expired', reason: 'no refresh token' });
    expect(corp.refreshCount()).toBe(0);
  });

  it('a refresh slower than the lock lifetime is not repeated by another gateway: the holder renews its lock', async () => {
    // Regression: a slow but successful refresh outlived its lock and a second gateway refreshed
    // the same refresh token again (reuse at an IdP that rotates: the whole grant revoked). The
    // lock was then made as long as the refresh may take (30 s), so a gateway that died holding it
    // blocked that token for 30 s; now it is short and renewed while the refresh runs.
    const shared = createMemoryStorage();
    try {
      let calls = 0;
      let finish!: () => void;
      const slowRefresh = {
        refresh: async () => {
          calls++;
          if (calls === 1) await new Promise<void>((resolve) => (finish = resolve));
          return { accessToken: `new-access-${calls}`, tokenType: 'Bearer', expiresAt: Date.now() + 600_000 };
        },
      };
      await shared.storeUpstreamTokens(sessionId, 'corp', {
        accessToken: 'old-access',
        tokenType: 'Bearer',
        refreshToken: 'old-refresh',
        expiresAt: Date.now() - 1_000,
        sessionExpiresAt: Date.now() + 86_400_000,
        userId: 'user-1',
        upstreamSubject: 'alice',
        clientId: 'client-1',
      });
      const gateway = () =>
        authenticator({ storage: shared, upstreamClients: { corp: slowRefresh }, refreshLockTtlMs: 300 });
      const first = authenticate(gateway(), ['corp']);
      await vi.waitFor(() => expect(calls).toBe(1));
      await new Promise((resolve) => setTimeout(resolve, 700)); // more than two lock lifetimes
      const second = authenticate(gateway(), ['corp']);
      await new Promise((resolve) => setTimeout(resolve, 100));
      finish();
      const [a, b] = await Promise.all([first, second]);
      expect(calls).toBe(1);
      expect(a.upstreamTokens['corp']).toBe('new-access-1');
      expect(b.upstreamTokens['corp']).toBe('new-access-1');
    } finally {
      await shared.close();
    }
  });

  it('a request waits for a refresh at most the upstream timeout; the late answer is stored, not lost', async () => {
    // Regression: a refresh abandoned at the timeout that the IdP completed later had rotated the
    // refresh token away, and the next refresh logged the user out of that provider.
    let calls = 0;
    const late = {
      timeoutMs: 200,
      refresh: async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 600));
        return {
          accessToken: 'late-access',
          tokenType: 'Bearer',
          refreshToken: 'rotated',
          expiresAt: Date.now() + 600_000,
        };
      },
    };
    await storage.storeUpstreamTokens(sessionId, 'corp', expiredEntry());
    const gateway = authenticator({ upstreamClients: { corp: late } });
    const waited = await authenticate(gateway, ['corp']);
    expect(waited.upstreams['corp']).toMatchObject({ status: 'unavailable' });
    expect(waited.upstreamTokens['corp']).toBeUndefined();
    await vi.waitFor(async () =>
      expect((await storage.getUpstreamTokens(sessionId, 'corp'))?.refreshToken).toBe('rotated'),
    );
    const after = await authenticate(gateway, ['corp']);
    expect(after.upstreamTokens['corp']).toBe('late-access');
    expect(calls).toBe(1);
  });

  it('drops a refresh answer when its lock was lost meanwhile (another gateway may be refreshing)', async () => {
    const lossy: Storage = { ...storage, extendLock: async () => false };
    let calls = 0;
    const client = {
      refresh: async () => {
        calls++;
        return { accessToken: 'unsafe-access', tokenType: 'Bearer', expiresAt: Date.now() + 600_000 };
      },
    };
    const stored = expiredEntry();
    await storage.storeUpstreamTokens(sessionId, 'corp', stored);
    const identity = await authenticate(
      authenticator({ storage: lossy, upstreamClients: { corp: client } }),
      ['corp'],
    );
    expect(calls).toBe(1);
    expect(identity.upstreams['corp']).toMatchObject({
      status: 'unavailable',
      reason: 'the refresh lock was lost',
    });
    expect(await storage.getUpstreamTokens(sessionId, 'corp')).toEqual(stored);
  });

  it('a revocation during a refresh wins: the refreshed tokens are not stored back (no resurrection)', async () => {
    // Regression: the lock holder stored the refreshed tokens unconditionally, so tokens deleted
    // while the upstream answered (RFC 7009 revocation, a failed chain) came back, with a live
    // refresh token, until the session's end.
    let finish!: () => void;
    let called = false;
    const auth = authenticator({
      upstreamClients: {
        corp: {
          refresh: async () => {
            called = true;
            await new Promise<void>((resolve) => (finish = resolve));
            return {
              accessToken: 'new-access',
              tokenType: 'Bearer',
              refreshToken: 'new-refresh',
              expiresAt: Date.now() + 600_000,
            };
          },
        },
      },
    });
    await storage.storeUpstreamTokens(sessionId, 'corp', {
      accessToken: 'old-access',
      tokenType: 'Bearer',
      refreshToken: 'old-refresh',
      expiresAt: Date.now() - 1_000,
      sessionExpiresAt: Date.now() + 86_400_000,
      userId: 'user-1',
      upstreamSubject: 'alice',
      clientId: 'client-1',
    });
    const pending = authenticate(auth, ['corp']);
    await vi.waitFor(() => expect(called).toBe(true));
    await storage.deleteUpstreamTokens(sessionId);
    finish();
    const identity = await pending;
    expect(identity.upstreamTokens['corp']).toBeUndefined();
    expect(identity.upstreams['corp']).toEqual({
      status: 'revoked',
      reason: 'the tokens were deleted meanwhile',
    });
    expect(await storage.getAllUpstreamTokens(sessionId)).toEqual({});
  });

  it('keeps the old refresh token (and the record) when the upstream returns none', async () => {
    const expiresAt = Date.now() + 600_000;
    const auth = authenticator({
      upstreamClients: {
        corp: { refresh: async () => ({ accessToken: 'new-access', tokenType: 'Bearer', expiresAt }) },
      },
    });
    await storage.storeUpstreamTokens(sessionId, 'corp', {
      accessToken: 'old-access',
      tokenType: 'Bearer',
      refreshToken: 'kept-refresh',
      idToken: 'kept-id-token',
      scope: 'openid',
      expiresAt: Date.now() - 1_000,
      sessionExpiresAt: Date.now() + 86_400_000,
      userId: 'user-1',
      upstreamSubject: 'alice',
      clientId: 'client-1',
    });
    const identity = await authenticate(auth, ['corp']);
    expect(identity.upstreamTokens['corp']).toBe('new-access');
    expect(await storage.getUpstreamTokens(sessionId, 'corp')).toMatchObject({
      accessToken: 'new-access',
      refreshToken: 'kept-refresh',
      idToken: 'kept-id-token',
      scope: 'openid',
      expiresAt,
      upstreamSubject: 'alice',
    });
  });
});
