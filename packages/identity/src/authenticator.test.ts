import { createMemoryStorage, type Storage } from '@auth/storage';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthResult } from './auth-result.js';
import { type AuthenticatorOptions, createAuthenticator } from './authenticator.js';
import { IdentityOptionsError } from './errors.js';
import { countCalls } from './test-support/counting-storage.js';
import { startJwksServer, type TestJwksServer } from './test-support/jwks-server.js';
import {
  AUDIENCE,
  createTestKey,
  ISSUER,
  mintAccessToken,
  RESOURCE_METADATA,
  type TestKey,
} from './test-support/keys.js';

function rejected(result: AuthResult) {
  if (result.ok) throw new Error('expected a rejection');
  return result.rejection;
}

describe('createAuthenticator', () => {
  let keyA: TestKey;
  let keyB: TestKey;
  let jwks: TestJwksServer;
  let storage: Storage;
  let clock: number;

  beforeAll(async () => {
    [keyA, keyB] = await Promise.all([createTestKey('ES256', 'key-a'), createTestKey('ES256', 'key-b')]);
  });
  beforeEach(async () => {
    clock = Date.now();
    jwks = await startJwksServer({ keys: [keyA.publicJwk] });
    storage = createMemoryStorage();
  });
  afterEach(async () => {
    await jwks.close();
    await storage.close();
  });

  const options = (extra: Partial<AuthenticatorOptions> = {}): AuthenticatorOptions => ({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: jwks.url,
    storage,
    resourceMetadataUrl: RESOURCE_METADATA,
    now: () => clock,
    ...extra,
  });
  const mint = (key: TestKey, lifetimeSeconds = 3600) =>
    mintAccessToken(key, { iat: Math.floor(clock / 1000), lifetimeSeconds });

  describe('JWKS fetched from the AS', () => {
    it('fetches once, then serves repeated tokens without fetching again', async () => {
      const auth = createAuthenticator(options());
      for (let i = 0; i < 5; i++) {
        expect((await auth.authenticate({ authorization: `Bearer ${await mint(keyA)}` })).ok).toBe(true);
      }
      expect(jwks.fetchCount()).toBe(1);
    });

    it('refetches exactly once on an unknown kid, then rejects; the cooldown stops further fetches', async () => {
      const auth = createAuthenticator(options());
      expect((await auth.authenticate({ authorization: `Bearer ${await mint(keyA)}` })).ok).toBe(true);
      expect(jwks.fetchCount()).toBe(1);
      clock += 31_000;
      const unknown = await mint(keyB);
      const first = rejected(await auth.authenticate({ authorization: `Bearer ${unknown}` }));
      expect(jwks.fetchCount()).toBe(2);
      expect(first.status).toBe(401);
      expect(first.headers['www-authenticate']).toBe(
        `Bearer error="invalid_token", error_description="The access token signing key is unknown", resource_metadata="${RESOURCE_METADATA}"`,
      );
      // Inside the cooldown, more unknown kids (even concurrent ones) cause no fetch.
      await Promise.all(
        Array.from({ length: 10 }, () => auth.authenticate({ authorization: `Bearer ${unknown}` })),
      );
      expect(jwks.fetchCount()).toBe(2);
      // The AS publishes key B (rotation): after the cooldown the token is accepted.
      jwks.setKeys({ keys: [keyA.publicJwk, keyB.publicJwk] });
      clock += 31_000;
      expect((await auth.authenticate({ authorization: `Bearer ${unknown}` })).ok).toBe(true);
      expect(jwks.fetchCount()).toBe(3);
    });

    it('concurrent requests with a new kid share one refetch', async () => {
      const auth = createAuthenticator(options());
      expect((await auth.authenticate({ authorization: `Bearer ${await mint(keyA)}` })).ok).toBe(true);
      jwks.setKeys({ keys: [keyA.publicJwk, keyB.publicJwk] });
      clock += 31_000;
      const token = await mint(keyB);
      const results = await Promise.all(
        Array.from({ length: 20 }, () => auth.authenticate({ authorization: `Bearer ${token}` })),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(jwks.fetchCount()).toBe(2);
    });

    it('answers 503 temporarily_unavailable while the JWKS cannot be fetched, without a fetch per request', async () => {
      jwks.setFailure(500);
      const auth = createAuthenticator(options());
      const token = await mint(keyA);
      const rejection = rejected(await auth.authenticate({ authorization: `Bearer ${token}` }));
      expect(rejection.status).toBe(503);
      expect(rejection.body.error).toBe('temporarily_unavailable');
      expect(rejection.headers['retry-after']).toBe('5');
      expect(rejection.headers['www-authenticate']).toBeUndefined();
      await auth.authenticate({ authorization: `Bearer ${token}` });
      expect(jwks.fetchCount()).toBe(1);
      jwks.setFailure(0);
      clock += 1_500;
      expect((await auth.authenticate({ authorization: `Bearer ${token}` })).ok).toBe(true);
    });

    it('a slow refetch (unknown kid or background) does not hold up tokens signed by a known key', async () => {
      // Regression: every verification first awaited any in-flight JWKS fetch, so one token with
      // a random kid per cooldown (or the 10-minute background refresh) stalled every new token
      // for as long as the AS took to answer (up to the 5 s fetch timeout): no stale-while-revalidate.
      let slow = false;
      const releases: Array<() => void> = [];
      const slowFetch: typeof fetch = async (input, init) => {
        if (slow) await new Promise<void>((resolve) => releases.push(resolve));
        return fetch(input, init);
      };
      const auth = createAuthenticator(options({ fetch: slowFetch }));
      expect((await auth.authenticate({ authorization: `Bearer ${await mint(keyA)}` })).ok).toBe(true);
      slow = true;
      clock += 31_000;
      const unknownKid = auth.authenticate({ authorization: `Bearer ${await mint(keyB)}` });
      await vi.waitFor(() => expect(releases).toHaveLength(1));
      const fresh = await Promise.race([
        auth.authenticate({ authorization: `Bearer ${await mint(keyA)}` }),
        new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 1_000)),
      ]);
      for (const release of releases) release();
      expect(fresh).not.toBe('stalled');
      expect(fresh !== 'stalled' && fresh.ok).toBe(true);
      expect(rejected(await unknownKid).reason.code).toBe('ERR_IDENTITY_TOKEN_UNKNOWN_KEY');
    });

    it('a fixed JSON Web Key Set rejects an unknown kid without any fetch', async () => {
      const auth = createAuthenticator(options({ jwks: { keys: [keyA.publicJwk] } }));
      expect((await auth.authenticate({ authorization: `Bearer ${await mint(keyA)}` })).ok).toBe(true);
      const rejection = rejected(await auth.authenticate({ authorization: `Bearer ${await mint(keyB)}` }));
      expect(rejection.reason.code).toBe('ERR_IDENTITY_TOKEN_UNKNOWN_KEY');
      expect(jwks.fetchCount()).toBe(0);
    });
  });

  describe('verified-token cache', () => {
    it('rejects a cached token once it expires (with the clock tolerance)', async () => {
      const auth = createAuthenticator(options());
      const token = await mint(keyA, 60);
      expect((await auth.authenticate({ authorization: `Bearer ${token}` })).ok).toBe(true);
      clock += 64_000; // 4 s past exp, inside the 5 s leeway
      expect((await auth.authenticate({ authorization: `Bearer ${token}` })).ok).toBe(true);
      clock += 2_000;
      const rejection = rejected(await auth.authenticate({ authorization: `Bearer ${token}` }));
      expect(rejection.headers['www-authenticate']).toContain(
        'error_description="The access token has expired"',
      );
      expect(jwks.fetchCount()).toBe(1);
    });

    it('forgets a token whose signing key left the JWKS after a refetch', async () => {
      const auth = createAuthenticator(options());
      const tokenA = await mint(keyA);
      expect((await auth.authenticate({ authorization: `Bearer ${tokenA}` })).ok).toBe(true);
      // Key A is withdrawn (compromised); a token signed by key B triggers the refetch.
      jwks.setKeys({ keys: [keyB.publicJwk] });
      clock += 31_000;
      expect((await auth.authenticate({ authorization: `Bearer ${await mint(keyB)}` })).ok).toBe(true);
      expect(jwks.fetchCount()).toBe(2);
      const rejection = rejected(await auth.authenticate({ authorization: `Bearer ${tokenA}` }));
      expect(rejection.reason.code).toBe('ERR_IDENTITY_TOKEN_UNKNOWN_KEY');
    });

    it('forgets removed keys after the JWKS max age, by a background refetch', async () => {
      const auth = createAuthenticator(options());
      const tokenA = await mint(keyA);
      expect((await auth.authenticate({ authorization: `Bearer ${tokenA}` })).ok).toBe(true);
      jwks.setKeys({ keys: [keyB.publicJwk] });
      clock += 601_000;
      // This request triggers the background refetch; a later one sees the new set.
      await auth.authenticate({ authorization: `Bearer ${tokenA}` });
      await expect.poll(() => jwks.fetchCount()).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(rejected(await auth.authenticate({ authorization: `Bearer ${tokenA}` })).reason.code).toBe(
        'ERR_IDENTITY_TOKEN_UNKNOWN_KEY',
      );
    });

    it('with the cache disabled still accepts and rejects the same way', async () => {
      const auth = createAuthenticator(options({ verifiedTokenCacheSize: 0 }));
      const token = await mint(keyA, 60);
      expect((await auth.authenticate({ authorization: `Bearer ${token}` })).ok).toBe(true);
      expect((await auth.authenticate({ authorization: `Bearer ${token}` })).ok).toBe(true);
      clock += 70_000;
      expect(rejected(await auth.authenticate({ authorization: `Bearer ${token}` })).reason.code).toBe(
        'ERR_IDENTITY_TOKEN_EXPIRED',
      );
    });
  });

  describe('enrichment', () => {
    it('reads storage exactly once per request, whatever the number of providers', async () => {
      const counted = countCalls(storage);
      const providers = ['corp', 'github', 'gitlab', 'slack', 'jira'];
      for (const provider of providers) {
        await storage.storeUpstreamTokens('session-1', provider, {
          accessToken: `${provider}-at`,
          tokenType: 'Bearer',
          refreshToken: `${provider}-rt`,
          expiresAt: clock + 3_600_000,
          userId: 'user-1',
          upstreamSubject: 'alice',
          clientId: 'client-1',
        });
      }
      const auth = createAuthenticator(options({ storage: counted.storage }));
      const token = await mint(keyA);
      for (let i = 0; i < 7; i++) {
        const result = await auth.authenticate(
          { authorization: `Bearer ${token}` },
          { refreshProviders: providers },
        );
        if (!result.ok) throw new Error('expected success');
        expect(result.identity.upstreamTokens).toEqual(
          Object.fromEntries(providers.map((p) => [p, `${p}-at`])),
        );
        expect(Object.values(result.identity.upstreams).every((u) => u.status === 'ok')).toBe(true);
      }
      expect(counted.calls).toEqual({ getAllUpstreamTokens: 7 });
    });

    it('with providers, reads just those in one named read and carries only them', async () => {
      const counted = countCalls(storage);
      for (const provider of ['corp', 'github', 'retired']) {
        await storage.storeUpstreamTokens('session-1', provider, {
          accessToken: `${provider}-at`,
          tokenType: 'Bearer',
          expiresAt: clock + 3_600_000,
          userId: 'user-1',
          upstreamSubject: 'alice',
          clientId: 'client-1',
        });
      }
      const auth = createAuthenticator(
        options({ storage: counted.storage, providers: ['corp', 'github', 'hr'] }),
      );
      const token = await mint(keyA);
      for (let i = 0; i < 3; i++) {
        const result = await auth.authenticate({ authorization: `Bearer ${token}` });
        if (!result.ok) throw new Error('expected success');
        expect(result.identity.upstreamTokens).toEqual({ corp: 'corp-at', github: 'github-at' });
        expect(Object.keys(result.identity.upstreams).sort()).toEqual(['corp', 'github']);
      }
      expect(counted.calls).toEqual({ getUpstreamTokensFor: 3 });
    });

    it('gives an identity with empty maps for a session without upstream tokens', async () => {
      const result = await createAuthenticator(options()).authenticate({
        authorization: `Bearer ${await mint(keyA)}`,
      });
      expect(result.ok && result.identity.upstreamTokens).toEqual({});
    });

    it('marks an expired token not asked to be refreshed as expired and leaves it out', async () => {
      await storage.storeUpstreamTokens('session-1', 'corp', {
        accessToken: 'old',
        tokenType: 'Bearer',
        refreshToken: 'rt',
        expiresAt: clock - 1000,
        userId: 'user-1',
        upstreamSubject: 'alice',
        clientId: 'client-1',
      });
      const result = await createAuthenticator(options()).authenticate({
        authorization: `Bearer ${await mint(keyA)}`,
      });
      if (!result.ok) throw new Error('expected success');
      expect(result.identity.upstreamTokens).toEqual({});
      expect(result.identity.upstreams['corp']).toEqual({
        status: 'expired',
        expiresAt: clock - 1000,
        reason: 'not refreshed for this route',
      });
    });

    it('answers 503 (never a pass) when storage fails', async () => {
      const broken = {
        ...countCalls(storage).storage,
        getAllUpstreamTokens: () => Promise.reject(new Error('connection reset')),
      };
      const logs: string[] = [];
      const logger = {
        debug() {},
        info() {},
        warn() {},
        error: (o: object) => void logs.push(JSON.stringify(o)),
      };
      const token = await mint(keyA);
      const result = await createAuthenticator(options({ storage: broken, logger })).authenticate({
        authorization: `Bearer ${token}`,
      });
      const rejection = rejected(result);
      expect(rejection.status).toBe(503);
      expect(rejection.body).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'The service is temporarily unavailable',
      });
      expect(logs.join()).toContain('connection reset');
      expect(logs.join()).not.toContain(token);
    });
  });

  it('rejects an overlong bearer token with 400 invalid_request', async () => {
    const rejection = rejected(
      await createAuthenticator(options()).authenticate({ authorization: `Bearer ${'a'.repeat(20_000)}` }),
    );
    expect(rejection.status).toBe(400);
    expect(rejection.body.error).toBe('invalid_request');
  });

  it.each([
    [{ refreshLockTtlMs: 0 }, 'refreshLockTtlMs must be a positive integer'],
    [{ refreshLockTtlMs: 1500.5 }, 'refreshLockTtlMs must be a positive integer'],
  ])(
    'refuses a refreshLockTtlMs the lock store cannot take at creation, not with a 503 at every refresh %#',
    (extra, message) => {
      // Regression: 0 or a fraction passed creation, then every refresh failed in tryAcquireLock
      // (InvalidStorageArgumentError) and the request was answered 503.
      expect(() => createAuthenticator(options(extra))).toThrow(new IdentityOptionsError(message));
    },
  );

  it.each(['releaseLock', 'deleteUpstreamTokensForProvider'] as const)(
    'refuses a storage without %s at creation (refresh calls it after the upstream answered)',
    (method) => {
      const partial = { ...countCalls(storage).storage, [method]: undefined };
      expect(() => createAuthenticator(options({ storage: partial as never }))).toThrow(
        new IdentityOptionsError(`storage.${method} is missing`),
      );
    },
  );

  it.each([
    [{ issuer: '' }, 'issuer must be a non-empty string'],
    [{ audience: '' }, 'audience must be a non-empty string'],
    [{ resourceMetadataUrl: 'not a url' }, 'resourceMetadataUrl must be a URL'],
    [{ clockToleranceSeconds: -1 }, 'clockToleranceSeconds must be a non-negative number'],
    [{ refreshSkewSeconds: Number.NaN }, 'refreshSkewSeconds must be a non-negative number'],
    [{ jwks: { nokeys: true } as never }, 'jwks: not a JSON Web Key Set'],
    [{ storage: {} as never }, 'storage.getAllUpstreamTokens is missing'],
    [{ providers: ['corp', ''] }, 'each of providers must be a non-empty string'],
    [{ providers: 'corp' as never }, 'providers must be an array of provider names'],
  ])('rejects invalid options at creation %#', (extra, message) => {
    expect(() => createAuthenticator(options(extra))).toThrow(new IdentityOptionsError(message));
  });
});
