import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidStorageArgumentError, StorageUnavailableError } from '../errors.js';
import type { Storage } from '../ports/storage.js';
import type { UpstreamTokens } from '../ports/upstream-token-store.js';
import {
  clientFixture,
  codeRecordFixture,
  grantFixture,
  pendingConsentFixture,
  pendingFixture,
  randomToken,
  refreshTokenFixture,
  upstreamTokensFixture,
} from './fixtures.js';

/** What a contract factory returns: a fresh store (own key prefix) and how to dispose of it. */
export interface ContractStorage {
  storage: Storage;
  cleanup?: () => Promise<void>;
}

/** Options of `runStorageContract`. */
export interface StorageContractOptions {
  /** Concurrent callers in the single-use tests. Default 100. */
  concurrency?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const invalid = (promise: Promise<unknown>) =>
  expect(promise).rejects.toBeInstanceOf(InvalidStorageArgumentError);

/**
 * The storage contract (docs/architecture.md#storage-rules) as a vitest suite. `createStorage` is called once per
 * test and must return an isolated store (a fresh memory store, or a random Redis key prefix).
 */
export function runStorageContract(
  label: string,
  createStorage: () => Promise<ContractStorage>,
  options: StorageContractOptions = {},
): void {
  const concurrency = options.concurrency ?? 100;

  describe(`storage contract: ${label}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    const fresh = async (): Promise<Storage> => {
      const { storage, cleanup } = await createStorage();
      cleanups.push(async () => {
        await cleanup?.();
        await storage.close();
      });
      return storage;
    };
    afterEach(async () => {
      await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    });

    describe('upstream tokens', () => {
      it('stores several providers per session, read one by one and in bulk', async () => {
        const storage = await fresh();
        const sid = randomUUID();
        const corp = upstreamTokensFixture();
        // A GitHub-style token: no expiry, no refresh token.
        const { expiresAt: _expiresAt, refreshToken: _refreshToken, ...github } = upstreamTokensFixture();
        await storage.storeUpstreamTokens(sid, 'corp', corp);
        await storage.storeUpstreamTokens(sid, 'github', github);
        expect(await storage.getUpstreamTokens(sid, 'corp')).toEqual(corp);
        expect(await storage.getUpstreamTokens(sid, 'github')).toEqual(github);
        expect(await storage.getUpstreamTokens(sid, 'other')).toBeUndefined();
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({ corp, github });
        expect(await storage.getUpstreamTokensFor(sid, ['corp', 'github'])).toEqual({ corp, github });
        expect(await storage.getUpstreamTokensFor(sid, ['github', 'other'])).toEqual({ github });
        expect(await storage.getUpstreamTokensFor(sid, [])).toEqual({});
        expect(await storage.getUpstreamTokensFor(randomUUID(), ['corp'])).toEqual({});
      });

      it('reads the named providers as the bulk read does after a replace and a delete', async () => {
        const storage = await fresh();
        const sid = randomUUID();
        const first = upstreamTokensFixture();
        const second = upstreamTokensFixture();
        await storage.storeUpstreamTokens(sid, 'corp', first);
        await storage.storeUpstreamTokens(sid, 'hr', first);
        await storage.replaceUpstreamTokens(sid, 'corp', second);
        await storage.deleteUpstreamTokensForProvider(sid, 'hr');
        expect(await storage.getUpstreamTokensFor(sid, ['corp', 'hr'])).toEqual({ corp: second });
        await storage.deleteUpstreamTokens(sid);
        expect(await storage.getUpstreamTokensFor(sid, ['corp', 'hr'])).toEqual({});
      });

      it('replaces a provider entry on store', async () => {
        const storage = await fresh();
        const sid = randomUUID();
        await storage.storeUpstreamTokens(sid, 'corp', upstreamTokensFixture());
        const second = upstreamTokensFixture();
        await storage.storeUpstreamTokens(sid, 'corp', second);
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({ corp: second });
      });

      it('replaceUpstreamTokens replaces a live entry but never brings back deleted tokens', async () => {
        // Regression: only an unconditional store existed, so a refresh finishing after a
        // revocation wrote the session's tokens back.
        const storage = await fresh();
        const sid = randomUUID();
        const first = upstreamTokensFixture();
        const second = upstreamTokensFixture();
        await storage.storeUpstreamTokens(sid, 'corp', first);
        expect(await storage.replaceUpstreamTokens(sid, 'corp', second)).toBe(true);
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({ corp: second });
        await storage.deleteUpstreamTokens(sid);
        expect(await storage.replaceUpstreamTokens(sid, 'corp', upstreamTokensFixture())).toBe(false);
        expect(await storage.getUpstreamTokens(sid, 'corp')).toBeUndefined();
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({});
        await storage.storeUpstreamTokens(sid, 'github', first);
        expect(await storage.replaceUpstreamTokens(sid, 'corp', second)).toBe(false);
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({ github: first });
        await invalid(storage.replaceUpstreamTokens('', 'corp', second));
        await invalid(storage.replaceUpstreamTokens(sid, '', second));
        await invalid(storage.replaceUpstreamTokens(sid, 'github', { accessToken: '' } as never));
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({ github: first });
      });

      it('setUpstreamSessionExpiry sets the session end of every provider of the session, and nothing else', async () => {
        const storage = await fresh();
        const [sid, other] = [randomUUID(), randomUUID()];
        const now = Date.now();
        const corp = upstreamTokensFixture({ sessionExpiresAt: now + 60_000 });
        // No access-token expiry: the entry lives exactly as long as the session.
        const { expiresAt: _expiresAt, ...github } = upstreamTokensFixture({
          sessionExpiresAt: now + 90_000,
        });
        const untouched = upstreamTokensFixture({ sessionExpiresAt: now + 60_000 });
        await storage.storeUpstreamTokens(sid, 'corp', corp);
        await storage.storeUpstreamTokens(sid, 'github', github);
        await storage.storeUpstreamTokens(other, 'corp', untouched);
        const end = now + 7 * 86_400_000;
        expect(await storage.setUpstreamSessionExpiry(sid, end)).toBe(2);
        const extended = {
          corp: { ...corp, sessionExpiresAt: end },
          github: { ...github, sessionExpiresAt: end },
        };
        expect(await storage.getAllUpstreamTokens(sid)).toEqual(extended);
        expect(await storage.getUpstreamTokens(sid, 'github')).toEqual(extended.github);
        expect(await storage.getAllUpstreamTokens(other)).toEqual({ corp: untouched });
        // It sets, so it may also shorten.
        const sooner = now + 120_000.5;
        expect(await storage.setUpstreamSessionExpiry(sid, sooner)).toBe(2);
        expect(await storage.getUpstreamTokens(sid, 'corp')).toEqual({ ...corp, sessionExpiresAt: sooner });
        await invalid(storage.setUpstreamSessionExpiry('', end));
        await invalid(storage.setUpstreamSessionExpiry('a{b}', end));
        await invalid(storage.setUpstreamSessionExpiry(sid, Number.NaN));
        await invalid(storage.setUpstreamSessionExpiry(sid, '1' as never));
        expect(await storage.getUpstreamTokens(sid, 'corp')).toEqual({ ...corp, sessionExpiresAt: sooner });
      });

      it('setUpstreamSessionExpiry never brings back deleted tokens and creates nothing for an unknown session', async () => {
        const storage = await fresh();
        const sid = randomUUID();
        const end = Date.now() + 86_400_000;
        expect(await storage.setUpstreamSessionExpiry(randomUUID(), end)).toBe(0);
        const github = upstreamTokensFixture();
        await storage.storeUpstreamTokens(sid, 'corp', upstreamTokensFixture());
        await storage.deleteUpstreamTokensForProvider(sid, 'corp');
        await storage.storeUpstreamTokens(sid, 'github', github);
        expect(await storage.setUpstreamSessionExpiry(sid, end)).toBe(1);
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({
          github: { ...github, sessionExpiresAt: end },
        });
        await storage.deleteUpstreamTokens(sid);
        expect(await storage.setUpstreamSessionExpiry(sid, end)).toBe(0);
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({});
        expect(await storage.getUpstreamTokens(sid, 'github')).toBeUndefined();
      });

      it('setUpstreamSessionExpiry deletes an entry past max(expiresAt, new end), keeps one whose access token outlives it', async () => {
        const storage = await fresh();
        const sid = randomUUID();
        const now = Date.now();
        const live = upstreamTokensFixture({ expiresAt: now + 3_600_000, sessionExpiresAt: now + 60_000 });
        const { expiresAt: _expiresAt, ...noExpiry } = upstreamTokensFixture({
          sessionExpiresAt: now + 60_000,
        });
        const stale = upstreamTokensFixture({ expiresAt: now - 60_000, sessionExpiresAt: now + 60_000 });
        await storage.storeUpstreamTokens(sid, 'live', live);
        await storage.storeUpstreamTokens(sid, 'no-expiry', noExpiry);
        await storage.storeUpstreamTokens(sid, 'stale', stale);
        const past = now - 1000;
        expect(await storage.setUpstreamSessionExpiry(sid, past)).toBe(1);
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({
          live: { ...live, sessionExpiresAt: past },
        });
        expect(await storage.getUpstreamTokens(sid, 'stale')).toBeUndefined();
      });

      it('setUpstreamSessionExpiry is atomic: a concurrent bulk read never sees some providers extended and others not', async () => {
        // Regression: the extension at code redemption read every provider, then stored each one
        // again (N+1 calls): a reader in between saw a mix of old and new session ends.
        const storage = await fresh();
        const sid = randomUUID();
        const providers = ['a', 'b', 'c', 'd', 'e'];
        const now = Date.now();
        for (const provider of providers) {
          await storage.storeUpstreamTokens(
            sid,
            provider,
            upstreamTokensFixture({ sessionExpiresAt: now + 60_000 }),
          );
        }
        const ends = Array.from({ length: 40 }, (_, index) => now + 3_600_000 + index * 1000);
        let writing = true;
        let reads = 0;
        const reader = (async () => {
          while (writing) {
            const all = await storage.getAllUpstreamTokens(sid);
            expect(Object.keys(all).sort()).toEqual(providers);
            expect(new Set(Object.values(all).map((tokens) => tokens.sessionExpiresAt)).size).toBe(1);
            reads++;
          }
        })();
        const counts = await Promise.all(ends.map((end) => storage.setUpstreamSessionExpiry(sid, end)));
        writing = false;
        await reader;
        expect(counts).toEqual(ends.map(() => providers.length));
        expect(reads).toBeGreaterThan(0);
        const final = new Set(
          Object.values(await storage.getAllUpstreamTokens(sid)).map((t) => t.sessionExpiresAt),
        );
        expect(final.size).toBe(1);
        expect(ends).toContain([...final][0]);
      });

      it('setUpstreamSessionExpiry never undoes a concurrent refresh (no lost update)', async () => {
        // Regression: the N+1 extension stored the tokens it had read, so a refresh that replaced
        // them in between was overwritten with the old (already rotated) tokens.
        const storage = await fresh();
        const sid = randomUUID();
        const now = Date.now();
        await storage.storeUpstreamTokens(
          sid,
          'corp',
          upstreamTokensFixture({ sessionExpiresAt: now + 60_000 }),
        );
        const refreshed = upstreamTokensFixture({ sessionExpiresAt: now + 60_000 });
        const [count, replaced] = await Promise.all([
          storage.setUpstreamSessionExpiry(sid, now + 86_400_000),
          storage.replaceUpstreamTokens(sid, 'corp', refreshed),
        ]);
        expect([count, replaced]).toEqual([1, true]);
        const stored = await storage.getUpstreamTokens(sid, 'corp');
        expect(stored?.accessToken).toBe(refreshed.accessToken);
        expect(stored?.refreshToken).toBe(refreshed.refreshToken);
      });

      it('a provisional entry (chain not completed) lives until its session end, not its access token’s expiry', async () => {
        // Regression: an abandoned or failed chain left the providers it completed for the IdP
        // token's lifetime (~1 h), although the chain could not finish after a few minutes.
        const storage = await fresh();
        const sid = randomUUID();
        const now = Date.now();
        const provisional = upstreamTokensFixture({
          expiresAt: now + 3_600_000,
          sessionExpiresAt: now + 150,
          provisional: true,
        });
        await storage.storeUpstreamTokens(sid, 'corp', provisional);
        expect(await storage.getUpstreamTokens(sid, 'corp')).toEqual(provisional);
        await sleep(300);
        expect(await storage.getUpstreamTokens(sid, 'corp')).toBeUndefined();
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({});
        await invalid(
          storage.storeUpstreamTokens(sid, 'corp', { ...upstreamTokensFixture(), provisional: true }),
        );
        await invalid(
          storage.storeUpstreamTokens(sid, 'corp', {
            ...upstreamTokensFixture({ sessionExpiresAt: now + 60_000 }),
            provisional: 'yes' as never,
          }),
        );
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({});
      });

      it('setUpstreamSessionExpiry settles provisional entries, or keeps them provisional with { provisional: true }', async () => {
        const storage = await fresh();
        const [settled, running] = [randomUUID(), randomUUID()];
        const now = Date.now();
        const chainEnd = now + 60_000;
        const leg = (overrides: Partial<UpstreamTokens> = {}) =>
          upstreamTokensFixture({ sessionExpiresAt: chainEnd, provisional: true, ...overrides });
        const corp = leg({ expiresAt: now + 3_600_000 });
        await storage.storeUpstreamTokens(settled, 'corp', corp);
        // The chain completed: the session's real end, and the access token's expiry counts again.
        expect(await storage.setUpstreamSessionExpiry(settled, now + 150)).toBe(1);
        const { provisional: _p, ...plain } = corp;
        expect(await storage.getAllUpstreamTokens(settled)).toEqual({
          corp: { ...plain, sessionExpiresAt: now + 150 },
        });

        const first = leg({ expiresAt: now + 3_600_000 });
        const second = leg({ expiresAt: now + 3_600_000 });
        await storage.storeUpstreamTokens(running, 'corp', first);
        await storage.storeUpstreamTokens(running, 'github', second);
        // A later leg moved the chain's deadline: every entry stays provisional, with the new end.
        expect(await storage.setUpstreamSessionExpiry(running, now + 150, { provisional: true })).toBe(2);
        expect(await storage.getAllUpstreamTokens(running)).toEqual({
          corp: { ...first, sessionExpiresAt: now + 150 },
          github: { ...second, sessionExpiresAt: now + 150 },
        });
        await sleep(300);
        expect(await storage.getAllUpstreamTokens(running)).toEqual({});
        expect(Object.keys(await storage.getAllUpstreamTokens(settled))).toEqual(['corp']);
        await invalid(storage.setUpstreamSessionExpiry(running, now, { provisional: 'no' as never }));
      });

      it('returns {} for an unknown session', async () => {
        const storage = await fresh();
        expect(await storage.getAllUpstreamTokens(randomUUID())).toEqual({});
      });

      it('includes entries whose access token has expired', async () => {
        const storage = await fresh();
        const sid = randomUUID();
        const now = Date.now();
        const refreshable = upstreamTokensFixture({
          expiresAt: now - 60_000,
          sessionExpiresAt: now + 3_600_000,
        });
        const withRefreshOnly = upstreamTokensFixture({ expiresAt: now - 60_000 });
        await storage.storeUpstreamTokens(sid, 'corp', refreshable);
        await storage.storeUpstreamTokens(sid, 'github', withRefreshOnly);
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({
          corp: refreshable,
          github: withRefreshOnly,
        });
        expect(await storage.getUpstreamTokens(sid, 'corp')).toEqual(refreshable);
      });

      it('deletes per provider and per session', async () => {
        const storage = await fresh();
        const sid = randomUUID();
        const corp = upstreamTokensFixture();
        const github = upstreamTokensFixture();
        const extra = upstreamTokensFixture();
        await storage.storeUpstreamTokens(sid, 'corp', corp);
        await storage.storeUpstreamTokens(sid, 'github', github);
        await storage.storeUpstreamTokens(sid, 'extra', extra);
        await storage.deleteUpstreamTokensForProvider(sid, 'github');
        expect(await storage.getUpstreamTokens(sid, 'github')).toBeUndefined();
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({ corp, extra });
        await storage.deleteUpstreamTokens(sid);
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({});
        expect(await storage.getUpstreamTokens(sid, 'corp')).toBeUndefined();
        await storage.deleteUpstreamTokens(sid);
        await storage.deleteUpstreamTokensForProvider(sid, 'corp');
        await storage.storeUpstreamTokens(sid, 'corp', corp);
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({ corp });
      });

      it('keeps sessions apart', async () => {
        const storage = await fresh();
        const [a, b] = [randomUUID(), randomUUID()];
        const tokensA = upstreamTokensFixture();
        const tokensB = upstreamTokensFixture();
        await storage.storeUpstreamTokens(a, 'corp', tokensA);
        await storage.storeUpstreamTokens(b, 'corp', tokensB);
        expect(await storage.getAllUpstreamTokens(a)).toEqual({ corp: tokensA });
        expect(await storage.getAllUpstreamTokens(b)).toEqual({ corp: tokensB });
        await storage.deleteUpstreamTokens(a);
        expect(await storage.getAllUpstreamTokens(b)).toEqual({ corp: tokensB });
        expect(await storage.getUpstreamTokens(a, 'corp')).toBeUndefined();
      });

      it('keeps (session, provider) pairs apart whatever characters the ids hold', async () => {
        // Regression: the memory backend keyed entries by `${sessionId}\u0000${providerName}`, so
        // ("a\u0000b", "c") and ("a", "b\u0000c") were one entry.
        const storage = await fresh();
        const sid = randomUUID();
        const first = upstreamTokensFixture();
        const second = upstreamTokensFixture();
        await storage.storeUpstreamTokens(`${sid}\u0000x`, 'corp', first);
        await storage.storeUpstreamTokens(sid, 'x\u0000corp', second);
        expect(await storage.getUpstreamTokens(`${sid}\u0000x`, 'corp')).toEqual(first);
        expect(await storage.getUpstreamTokens(sid, 'x\u0000corp')).toEqual(second);
        expect(await storage.getAllUpstreamTokens(`${sid}\u0000x`)).toEqual({ corp: first });
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({ 'x\u0000corp': second });
      });

      it('rejects an empty session id or provider name with a typed error and stores nothing', async () => {
        const storage = await fresh();
        const sid = randomUUID();
        const tokens = upstreamTokensFixture();
        await invalid(storage.storeUpstreamTokens('', 'corp', tokens));
        await invalid(storage.storeUpstreamTokens(sid, '', tokens));
        await invalid(storage.getUpstreamTokens('', 'corp'));
        await invalid(storage.getUpstreamTokens(sid, ''));
        await invalid(storage.getAllUpstreamTokens(''));
        await invalid(storage.getUpstreamTokensFor('', ['corp']));
        await invalid(storage.getUpstreamTokensFor(sid, ['corp', '']));
        await invalid(storage.getUpstreamTokensFor(sid, 'corp' as never));
        await invalid(storage.deleteUpstreamTokens(''));
        await invalid(storage.deleteUpstreamTokensForProvider(sid, ''));
        await invalid(storage.deleteUpstreamTokensForProvider('', 'corp'));
        await invalid(storage.storeUpstreamTokens(undefined as unknown as string, 'corp', tokens));
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({});
      });

      it('rejects session ids with braces (hash-tag break-out) and malformed token sets', async () => {
        const storage = await fresh();
        const sid = randomUUID();
        await invalid(storage.storeUpstreamTokens('a}b', 'corp', upstreamTokensFixture()));
        await invalid(storage.storeUpstreamTokens(sid, 'corp', { tokenType: 'Bearer' } as never));
        await invalid(storage.storeUpstreamTokens(sid, 'corp', upstreamTokensFixture({ accessToken: '' })));
        await invalid(
          storage.storeUpstreamTokens(sid, 'corp', upstreamTokensFixture({ expiresAt: Number.NaN })),
        );
        await invalid(storage.storeUpstreamTokens(sid, 'corp', null as never));
        await invalid(storage.getUpstreamTokens(sid, 'x'.repeat(5000)));
        expect(await storage.getAllUpstreamTokens(sid)).toEqual({});
      });

      it('hands out copies or frozen records: mutating a read value changes nothing stored', async () => {
        const storage = await fresh();
        const sid = randomUUID();
        const tokens = upstreamTokensFixture();
        await storage.storeUpstreamTokens(sid, 'corp', tokens);
        const read = (await storage.getUpstreamTokens(sid, 'corp')) as UpstreamTokens | undefined;
        if (read === undefined) throw new Error('missing');
        // A frozen record refuses the write (TypeError in strict mode); a copy takes it. Either way the store keeps its value.
        try {
          read.accessToken = 'changed';
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
        }
        tokens.accessToken = 'changed-too';
        expect((await storage.getUpstreamTokens(sid, 'corp'))?.accessToken).not.toMatch(/changed/);
      });
    });

    describe('pending authorizations', () => {
      it('are consumed exactly once', async () => {
        const storage = await fresh();
        const pending = pendingFixture();
        await storage.savePendingAuthorization(pending);
        expect(await storage.consumePendingAuthorization(pending.id)).toEqual(pending);
        expect(await storage.consumePendingAuthorization(pending.id)).toBeUndefined();
        expect(await storage.consumePendingAuthorization(randomToken())).toBeUndefined();
        await invalid(storage.consumePendingAuthorization(''));
        await invalid(storage.savePendingAuthorization(pendingFixture({ id: '' })));
        await invalid(storage.savePendingAuthorization(pendingFixture({ sessionId: '' })));
      });

      it('keep each kind whole: a consent with its CSRF token, a leg with its session and PKCE values', async () => {
        const storage = await fresh();
        const consent = pendingConsentFixture();
        const plain = pendingFixture();
        const leg = pendingFixture({
          userId: 'user-1',
          authTime: Date.now(),
          skippedProviders: ['extra'],
          request: { ...plain.request, prompt: 'login', maxAge: 0 },
        });
        await storage.savePendingAuthorization(consent);
        await storage.savePendingAuthorization(leg);
        expect(await storage.consumePendingAuthorization(consent.id)).toEqual(consent);
        expect(await storage.consumePendingAuthorization(leg.id)).toEqual(leg);
        await invalid(storage.savePendingAuthorization(pendingConsentFixture({ csrfToken: '' })));
        await invalid(
          storage.savePendingAuthorization({ ...pendingConsentFixture(), kind: 'other' } as never),
        );
        await invalid(storage.savePendingAuthorization(pendingFixture({ providerName: '' })));
        await invalid(storage.savePendingAuthorization(pendingFixture({ codeVerifier: '' })));
        await invalid(storage.savePendingAuthorization(pendingFixture({ nonce: '' })));
        const { sessionId: _sessionId, ...withoutSession } = pendingFixture();
        await invalid(storage.savePendingAuthorization(withoutSession as never));
      });

      it(`give exactly one winner among ${concurrency} concurrent consumers`, async () => {
        const storage = await fresh();
        const pending = pendingFixture();
        await storage.savePendingAuthorization(pending);
        const results = await Promise.all(
          Array.from({ length: concurrency }, () => storage.consumePendingAuthorization(pending.id)),
        );
        const winners = results.filter((result) => result !== undefined);
        expect(winners).toEqual([pending]);
      });

      it('are gone once expired', async () => {
        const storage = await fresh();
        const pending = pendingFixture({ expiresAt: Date.now() - 1000 });
        await storage.savePendingAuthorization(pending);
        expect(await storage.consumePendingAuthorization(pending.id)).toBeUndefined();
      });
    });

    describe('authorization codes', () => {
      it('are consumed once, then reported as reused with their record', async () => {
        const storage = await fresh();
        const code = randomToken('code');
        const record = codeRecordFixture();
        await storage.saveAuthorizationCode(code, record);
        expect(await storage.consumeAuthorizationCode(code)).toEqual({ status: 'consumed', record });
        expect(await storage.consumeAuthorizationCode(code)).toEqual({ status: 'reused', record });
        expect(await storage.consumeAuthorizationCode(randomToken('code'))).toEqual({ status: 'unknown' });
        await invalid(storage.consumeAuthorizationCode(''));
        await invalid(storage.saveAuthorizationCode('', record));
      });

      it(`give exactly one winner among ${concurrency} concurrent consumers`, async () => {
        const storage = await fresh();
        const code = randomToken('code');
        await storage.saveAuthorizationCode(code, codeRecordFixture());
        const results = await Promise.all(
          Array.from({ length: concurrency }, () => storage.consumeAuthorizationCode(code)),
        );
        expect(results.filter((result) => result.status === 'consumed')).toHaveLength(1);
        expect(results.filter((result) => result.status === 'reused')).toHaveLength(concurrency - 1);
      });

      it('are unknown once expired', async () => {
        const storage = await fresh();
        const code = randomToken('code');
        await storage.saveAuthorizationCode(code, codeRecordFixture({ expiresAt: Date.now() - 1 }));
        expect(await storage.consumeAuthorizationCode(code)).toEqual({ status: 'unknown' });
      });
    });

    describe('grants and refresh-token rotation', () => {
      it('rotates, and revokes the whole family when a rotated token is reused (RFC 9700 §4.14.2)', async () => {
        const storage = await fresh();
        const grant = grantFixture();
        const rt = () => refreshTokenFixture(grant.grantId);
        const [first, second, third] = [rt(), rt(), rt()];
        await storage.saveGrant(grant, first);
        expect(await storage.getGrant(grant.grantId)).toEqual(grant);
        expect(await storage.findGrantByRefreshToken(first)).toEqual(grant);
        expect(await storage.rotateRefreshToken(first, second)).toEqual({ status: 'rotated', grant });
        expect(await storage.rotateRefreshToken(second, third)).toEqual({ status: 'rotated', grant });
        expect(await storage.findGrantByRefreshToken(first)).toEqual(grant);
        expect(await storage.rotateRefreshToken(first, rt())).toEqual({ status: 'reused', grant });
        expect(await storage.getGrant(grant.grantId)).toBeUndefined();
        expect(await storage.rotateRefreshToken(third, rt())).toEqual({ status: 'invalid' });
        expect(await storage.findGrantByRefreshToken(third)).toBeUndefined();
      });

      it('answers invalid for unknown tokens and rejects bad arguments', async () => {
        const storage = await fresh();
        const grantId = randomUUID();
        const known = grantFixture();
        const token = refreshTokenFixture(known.grantId);
        await storage.saveGrant(known, token);
        expect(
          await storage.rotateRefreshToken(refreshTokenFixture(grantId), refreshTokenFixture(grantId)),
        ).toEqual({ status: 'invalid' });
        expect(await storage.findGrantByRefreshToken(refreshTokenFixture(grantId))).toBeUndefined();
        // A made-up secret under a known grant id is unknown too, and revokes nothing.
        const guessed = refreshTokenFixture(known.grantId);
        expect(await storage.rotateRefreshToken(guessed, refreshTokenFixture(known.grantId))).toEqual({
          status: 'invalid',
        });
        expect(await storage.findGrantByRefreshToken(guessed)).toBeUndefined();
        expect(await storage.getGrant(known.grantId)).toEqual(known);
        expect(await storage.getGrant(randomUUID())).toBeUndefined();
        expect(await storage.getGrant('not{a}grant.id')).toBeUndefined();
        await invalid(storage.rotateRefreshToken('', 'x'));
        await invalid(storage.rotateRefreshToken(token, token));
        await invalid(storage.saveGrant(grantFixture({ grantId: '' })));
        await invalid(storage.saveGrant(grantFixture({ grantId: 'a.b' })));
        await invalid(storage.saveGrant(grantFixture({ grantId: 'a}b' })));
        await invalid(storage.saveGrant(grantFixture({ grantId: 'g'.repeat(300) })));
        await invalid(
          storage.saveAuthorizationCode(randomToken('code'), codeRecordFixture({ grantId: 'a{b' })),
        );
      });

      it('answers invalid / undefined, never an error, for a presented token not of the form <grantId>.<secret>', async () => {
        const storage = await fresh();
        const grant = grantFixture();
        const token = refreshTokenFixture(grant.grantId);
        await storage.saveGrant(grant, token);
        const secret = token.slice(grant.grantId.length + 1);
        const malformed = [
          randomToken('rt'),
          secret,
          `.${secret}`,
          `${grant.grantId}.`,
          `${grant.grantId}`,
          `{${grant.grantId}}.${secret}`,
          `${grant.grantId}}.${secret}`,
          `${'g'.repeat(300)}.${secret}`,
          `a b.${secret}`,
          'x'.repeat(2048),
        ];
        for (const presented of malformed) {
          expect(await storage.rotateRefreshToken(presented, refreshTokenFixture(grant.grantId))).toEqual({
            status: 'invalid',
          });
          expect(await storage.findGrantByRefreshToken(presented)).toBeUndefined();
        }
        // The well-formed token still rotates: nothing above touched the grant.
        expect(await storage.rotateRefreshToken(token, refreshTokenFixture(grant.grantId))).toEqual({
          status: 'rotated',
          grant,
        });
      });

      it('rejects refresh tokens the AS hands in that do not name their own grant', async () => {
        const storage = await fresh();
        const [grant, other] = [grantFixture(), grantFixture()];
        await storage.saveGrant(other, refreshTokenFixture(other.grantId));
        await invalid(storage.saveGrant(grant, refreshTokenFixture(other.grantId)));
        await invalid(storage.saveGrant(grant, randomToken('rt')));
        await invalid(storage.saveGrant(grant, `${grant.grantId}.`));
        expect(await storage.getGrant(grant.grantId)).toBeUndefined();
        const first = refreshTokenFixture(grant.grantId);
        await storage.saveGrant(grant, first);
        // `next` of another grant, or not of the form: a typed error, and nothing rotated.
        await invalid(storage.rotateRefreshToken(first, refreshTokenFixture(other.grantId)));
        await invalid(storage.rotateRefreshToken(first, randomToken('rt')));
        await invalid(storage.rotateRefreshToken(first, `${grant.grantId}x.${randomToken('rt')}`));
        const second = refreshTokenFixture(grant.grantId);
        expect(await storage.rotateRefreshToken(first, second)).toEqual({ status: 'rotated', grant });
        expect(await storage.getGrant(other.grantId)).toEqual(other);
      });

      it('keeps grants apart: reuse in one family revokes only that grant', async () => {
        const storage = await fresh();
        const [a, b] = [grantFixture(), grantFixture()];
        const [a1, a2, b1] = [
          refreshTokenFixture(a.grantId),
          refreshTokenFixture(a.grantId),
          refreshTokenFixture(b.grantId),
        ];
        await storage.saveGrant(a, a1);
        await storage.saveGrant(b, b1);
        await storage.rotateRefreshToken(a1, a2);
        // a's token presented under b's id is unknown to b.
        const secret = a1.slice(a.grantId.length + 1);
        expect(await storage.findGrantByRefreshToken(`${b.grantId}.${secret}`)).toBeUndefined();
        expect((await storage.rotateRefreshToken(a1, refreshTokenFixture(a.grantId))).status).toBe('reused');
        expect(await storage.getGrant(a.grantId)).toBeUndefined();
        expect(await storage.findGrantByRefreshToken(b1)).toEqual(b);
      });

      it('revokeGrant ends every refresh token of the family', async () => {
        const storage = await fresh();
        const grant = grantFixture();
        const [first, second] = [refreshTokenFixture(grant.grantId), refreshTokenFixture(grant.grantId)];
        await storage.saveGrant(grant, first);
        await storage.rotateRefreshToken(first, second);
        await storage.revokeGrant(grant.grantId);
        expect(await storage.getGrant(grant.grantId)).toBeUndefined();
        expect(await storage.findGrantByRefreshToken(first)).toBeUndefined();
        expect(await storage.rotateRefreshToken(second, refreshTokenFixture(grant.grantId))).toEqual({
          status: 'invalid',
        });
        await storage.revokeGrant('not{a}grant.id');
        await invalid(storage.revokeGrant(''));
      });

      it('lets exactly one of concurrent rotations of one token win', async () => {
        const storage = await fresh();
        const grant = grantFixture();
        const presented = refreshTokenFixture(grant.grantId);
        await storage.saveGrant(grant, presented);
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            storage.rotateRefreshToken(presented, refreshTokenFixture(grant.grantId)),
          ),
        );
        expect(results.filter((result) => result.status === 'rotated')).toHaveLength(1);
      });

      it('inspectRefreshToken tells the current refresh token from a rotated one (introspection, RFC 7662)', async () => {
        const storage = await fresh();
        const grant = grantFixture();
        const rt = () => refreshTokenFixture(grant.grantId);
        const [first, second] = [rt(), rt()];
        await storage.saveGrant(grant, first);
        expect(await storage.inspectRefreshToken(first)).toEqual({ grant, current: true });
        await storage.rotateRefreshToken(first, second);
        expect(await storage.inspectRefreshToken(first)).toEqual({ grant, current: false });
        expect(await storage.inspectRefreshToken(second)).toEqual({ grant, current: true });
        // Inspecting is read-only: a rotated token inspected does not revoke the grant.
        expect(await storage.getGrant(grant.grantId)).toEqual(grant);
        // Unknown, guessed, malformed or of a grant without refresh token: undefined, never an error.
        expect(await storage.inspectRefreshToken(rt())).toBeUndefined();
        expect(await storage.inspectRefreshToken(refreshTokenFixture(randomUUID()))).toBeUndefined();
        for (const presented of [
          randomToken('rt'),
          `${grant.grantId}.`,
          `.${randomToken('rt')}`,
          'x'.repeat(2048),
        ])
          expect(await storage.inspectRefreshToken(presented)).toBeUndefined();
        const bare = grantFixture();
        await storage.saveGrant(bare);
        expect(await storage.inspectRefreshToken(refreshTokenFixture(bare.grantId))).toBeUndefined();
        await invalid(storage.inspectRefreshToken(''));
        // Reuse revokes the family; so does revokeGrant: nothing of it is known any more.
        expect((await storage.rotateRefreshToken(first, rt())).status).toBe('reused');
        expect(await storage.inspectRefreshToken(first)).toBeUndefined();
        expect(await storage.inspectRefreshToken(second)).toBeUndefined();
        const other = grantFixture();
        const otherToken = refreshTokenFixture(other.grantId);
        await storage.saveGrant(other, otherToken);
        await storage.revokeGrant(other.grantId);
        expect(await storage.inspectRefreshToken(otherToken)).toBeUndefined();
      });

      it('inspectRefreshToken forgets an expired grant', async () => {
        const storage = await fresh();
        const grant = grantFixture({ expiresAt: Date.now() + 150 });
        const token = refreshTokenFixture(grant.grantId);
        await storage.saveGrant(grant, token);
        expect((await storage.inspectRefreshToken(token))?.current).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 400));
        expect(await storage.inspectRefreshToken(token)).toBeUndefined();
      });

      it('keeps a grant without refresh token readable', async () => {
        const storage = await fresh();
        const grant = grantFixture();
        await storage.saveGrant(grant);
        expect(await storage.getGrant(grant.grantId)).toEqual(grant);
        expect(await storage.findGrantByRefreshToken(refreshTokenFixture(grant.grantId))).toBeUndefined();
      });
    });

    describe('clients', () => {
      it('never return the secret, and verify it against the stored hash', async () => {
        const storage = await fresh();
        const secret = randomToken('secret');
        const client = clientFixture({ clientSecret: secret });
        await storage.saveClient(client);
        const read = await storage.getClient(client.clientId);
        const { clientSecret: _secret, ...expected } = client;
        expect(read).toEqual({ ...expected, hasSecret: true });
        expect(JSON.stringify(read)).not.toContain(secret);
        expect(await storage.verifyClientSecret(client.clientId, secret)).toBe(true);
        expect(await storage.verifyClientSecret(client.clientId, `${secret}x`)).toBe(false);
        expect(await storage.verifyClientSecret(client.clientId, '')).toBe(false);
        expect(await storage.verifyClientSecret(randomUUID(), secret)).toBe(false);
        await storage.deleteClient(client.clientId);
        expect(await storage.getClient(client.clientId)).toBeUndefined();
      });

      it('store public clients without a secret', async () => {
        const storage = await fresh();
        const client = clientFixture({ tokenEndpointAuthMethod: 'none', static: true, trusted: true });
        await storage.saveClient(client);
        expect(await storage.getClient(client.clientId)).toEqual({ ...client, hasSecret: false });
        expect(await storage.verifyClientSecret(client.clientId, 'anything')).toBe(false);
        expect(await storage.getClient(randomUUID())).toBeUndefined();
        await invalid(storage.getClient(''));
        await invalid(storage.saveClient(clientFixture({ clientId: '' })));
      });

      it('verify a static (operator-chosen) secret, hashed with salted scrypt', async () => {
        const storage = await fresh();
        const client = clientFixture({ clientSecret: 'correct horse', static: true });
        await storage.saveClient(client);
        expect(await storage.verifyClientSecret(client.clientId, 'correct horse')).toBe(true);
        expect(await storage.verifyClientSecret(client.clientId, 'correct horsf')).toBe(false);
        // Saved again (a restart): a new salt, the same secret still verifies.
        await storage.saveClient(client);
        expect(await storage.verifyClientSecret(client.clientId, 'correct horse')).toBe(true);
      });

      it('expire a client saved with a lifetime unless a use extends it; static ones never', async () => {
        const storage = await fresh();
        const unused = clientFixture();
        const used = clientFixture();
        const kept = clientFixture();
        const fixed = clientFixture({ static: true });
        await storage.saveClient(unused, { lifetimeSeconds: 1 });
        await storage.saveClient(used, { lifetimeSeconds: 1 });
        await storage.saveClient(kept);
        await storage.saveClient(fixed, { lifetimeSeconds: 1 });
        await storage.touchClient(used.clientId, 60);
        await storage.touchClient(kept.clientId, 1);
        await storage.touchClient(fixed.clientId, 1);
        await storage.touchClient(randomUUID(), 60);
        expect(await storage.getClient(randomUUID())).toBeUndefined();
        await sleep(2100);
        expect(await storage.getClient(unused.clientId)).toBeUndefined();
        expect(await storage.getClient(used.clientId)).toBeDefined();
        expect(await storage.getClient(kept.clientId)).toBeDefined();
        expect(await storage.getClient(fixed.clientId)).toBeDefined();
        await invalid(storage.saveClient(clientFixture(), { lifetimeSeconds: 0 }));
        await invalid(storage.touchClient(used.clientId, 1.5));
      });
    });

    describe('users and provider identities', () => {
      it('save and read users', async () => {
        const storage = await fresh();
        const user = { id: randomUUID(), name: 'Ada', email: 'ada@example.test', createdAt: 1, updatedAt: 2 };
        await storage.saveUser(user);
        expect(await storage.getUser(user.id)).toEqual(user);
        expect(await storage.getUser(randomUUID())).toBeUndefined();
        await invalid(storage.getUser(''));
      });

      it('link a provider identity to one user only', async () => {
        const storage = await fresh();
        const subject = randomUUID();
        expect(await storage.getUserIdByProviderIdentity('corp', subject)).toBeUndefined();
        expect(await storage.linkProviderIdentity('corp', subject, 'user-a')).toEqual({ status: 'linked' });
        expect(await storage.linkProviderIdentity('corp', subject, 'user-a')).toEqual({
          status: 'already-linked',
        });
        expect(await storage.linkProviderIdentity('corp', subject, 'user-b')).toEqual({
          status: 'conflict',
          existingUserId: 'user-a',
        });
        expect(await storage.getUserIdByProviderIdentity('corp', subject)).toBe('user-a');
        expect(await storage.getUserIdByProviderIdentity('github', subject)).toBeUndefined();
        await invalid(storage.linkProviderIdentity('', subject, 'user-a'));
      });

      it('a user and identities saved with an expiry are forgotten then; an existing link keeps its own', async () => {
        // Regression: users and provider identities created by a first leg never expired, even
        // when the chain never completed.
        const storage = await fresh();
        const now = Date.now();
        const user = { id: randomUUID(), createdAt: now, updatedAt: now };
        const kept = { id: randomUUID(), createdAt: now, updatedAt: now };
        const [subject, keptSubject] = [randomUUID(), randomUUID()];
        await storage.saveUser(user, now + 150);
        await storage.saveUser(kept);
        expect(await storage.linkProviderIdentity('corp', subject, user.id, now + 150)).toEqual({
          status: 'linked',
        });
        expect(await storage.linkProviderIdentity('corp', keptSubject, kept.id)).toEqual({
          status: 'linked',
        });
        // Linking again with a short expiry does not shorten an existing link.
        expect(await storage.linkProviderIdentity('corp', keptSubject, kept.id, now + 150)).toEqual({
          status: 'already-linked',
        });
        expect(await storage.getUser(user.id)).toEqual(user);
        expect(await storage.getUserIdByProviderIdentity('corp', subject)).toBe(user.id);
        await sleep(300);
        expect(await storage.getUser(user.id)).toBeUndefined();
        expect(await storage.getUserIdByProviderIdentity('corp', subject)).toBeUndefined();
        expect(await storage.getUser(kept.id)).toEqual(kept);
        expect(await storage.getUserIdByProviderIdentity('corp', keptSubject)).toBe(kept.id);
        await invalid(storage.saveUser(user, Number.NaN));
        await invalid(storage.linkProviderIdentity('corp', subject, user.id, 'soon' as never));
      });

      it('retainUser keeps the user and its own identities until a later time, never shortens, never revives', async () => {
        const storage = await fresh();
        const now = Date.now();
        const user = { id: randomUUID(), createdAt: now, updatedAt: now };
        const other = { id: randomUUID(), createdAt: now, updatedAt: now };
        const [corp, github, foreign] = [randomUUID(), randomUUID(), randomUUID()];
        await storage.saveUser(user, now + 150);
        await storage.saveUser(other, now + 150);
        await storage.linkProviderIdentity('corp', corp, user.id, now + 150);
        await storage.linkProviderIdentity('github', github, user.id, now + 150);
        await storage.linkProviderIdentity('corp', foreign, other.id, now + 150);
        await storage.retainUser(user.id, now + 60_000, [
          { providerName: 'corp', upstreamSubject: corp },
          { providerName: 'github', upstreamSubject: github },
          // Linked to another user: not kept by this user's retention.
          { providerName: 'corp', upstreamSubject: foreign },
        ]);
        // Retaining for a shorter time does not shorten it.
        await storage.retainUser(user.id, now + 100, [{ providerName: 'corp', upstreamSubject: corp }]);
        await sleep(300);
        expect(await storage.getUser(user.id)).toEqual(user);
        expect(await storage.getUserIdByProviderIdentity('corp', corp)).toBe(user.id);
        expect(await storage.getUserIdByProviderIdentity('github', github)).toBe(user.id);
        expect(await storage.getUser(other.id)).toBeUndefined();
        expect(await storage.getUserIdByProviderIdentity('corp', foreign)).toBeUndefined();
        // Gone records stay gone.
        await storage.retainUser(other.id, now + 60_000, [
          { providerName: 'corp', upstreamSubject: foreign },
        ]);
        expect(await storage.getUser(other.id)).toBeUndefined();
        expect(await storage.getUserIdByProviderIdentity('corp', foreign)).toBeUndefined();
        await invalid(storage.retainUser('', now, []));
        await invalid(storage.retainUser(user.id, now, [{ providerName: '', upstreamSubject: corp }]));
      });

      it('retainUser gives a user saved without expiry the retained end', async () => {
        const storage = await fresh();
        const now = Date.now();
        const user = { id: randomUUID(), createdAt: now, updatedAt: now };
        const subject = randomUUID();
        await storage.saveUser(user);
        await storage.linkProviderIdentity('corp', subject, user.id);
        await storage.retainUser(user.id, now + 150, [{ providerName: 'corp', upstreamSubject: subject }]);
        expect(await storage.getUser(user.id)).toEqual(user);
        await sleep(300);
        expect(await storage.getUser(user.id)).toBeUndefined();
        expect(await storage.getUserIdByProviderIdentity('corp', subject)).toBeUndefined();
      });

      it('link concurrently with exactly one winner', async () => {
        const storage = await fresh();
        const subject = randomUUID();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            storage.linkProviderIdentity('corp', subject, `user-${index}`),
          ),
        );
        expect(results.filter((result) => result.status === 'linked')).toHaveLength(1);
      });
    });

    describe('locks', () => {
      it('are exclusive, released only by their owner, and expire', async () => {
        const storage = await fresh();
        const name = `refresh:${randomUUID()}`;
        const owner = await storage.tryAcquireLock(name, 10_000);
        expect(owner).toEqual(expect.any(String));
        expect(await storage.tryAcquireLock(name, 10_000)).toBeUndefined();
        await storage.releaseLock(name, 'not-the-owner');
        expect(await storage.tryAcquireLock(name, 10_000)).toBeUndefined();
        await storage.releaseLock(name, owner as string);
        const short = await storage.tryAcquireLock(name, 50);
        expect(short).toEqual(expect.any(String));
        await new Promise((resolve) => setTimeout(resolve, 120));
        expect(await storage.tryAcquireLock(name, 10_000)).toEqual(expect.any(String));
        await invalid(storage.tryAcquireLock('', 100));
        await invalid(storage.tryAcquireLock(name, 0));
      });
    });

    describe('lock renewal', () => {
      it('extendLock extends only for the current owner (compare-and-extend)', async () => {
        const storage = await fresh();
        const name = `refresh:${randomUUID()}`;
        const owner = (await storage.tryAcquireLock(name, 150)) as string;
        expect(owner).toEqual(expect.any(String));
        expect(await storage.extendLock(name, 'not-the-owner', 10_000)).toBe(false);
        expect(await storage.extendLock(name, owner, 10_000)).toBe(true);
        await sleep(300);
        // Extended: still held after its first lifetime.
        expect(await storage.tryAcquireLock(name, 10_000)).toBeUndefined();
        expect(await storage.extendLock(name, owner, 150)).toBe(true);
        await sleep(300);
        // Expired: the former owner cannot extend it back, a new owner takes it.
        expect(await storage.extendLock(name, owner, 10_000)).toBe(false);
        const next = (await storage.tryAcquireLock(name, 10_000)) as string;
        expect(next).toEqual(expect.any(String));
        expect(await storage.extendLock(name, owner, 10_000)).toBe(false);
        await storage.releaseLock(name, next);
        expect(await storage.extendLock(name, next, 10_000)).toBe(false);
        await invalid(storage.extendLock(name, next, 0));
        await invalid(storage.extendLock('', next, 100));
      });
    });

    it('after close, answers every call with StorageUnavailableError, never "not found"', async () => {
      // Regression: the memory backend cleared its maps on close and went on answering, so a
      // request still in flight at shutdown read "no tokens" / "unknown code" instead of an error.
      const storage = await fresh();
      const sid = randomUUID();
      const code = randomToken('code');
      await storage.storeUpstreamTokens(sid, 'corp', upstreamTokensFixture());
      await storage.saveAuthorizationCode(code, codeRecordFixture());
      await storage.close();
      const unavailable = (promise: Promise<unknown>) =>
        expect(promise).rejects.toBeInstanceOf(StorageUnavailableError);
      await unavailable(storage.getAllUpstreamTokens(sid));
      await unavailable(storage.getUpstreamTokens(sid, 'corp'));
      await unavailable(storage.storeUpstreamTokens(sid, 'corp', upstreamTokensFixture()));
      await unavailable(storage.setUpstreamSessionExpiry(sid, Date.now() + 1_000));
      await unavailable(storage.consumeAuthorizationCode(code));
      await unavailable(storage.consumePendingAuthorization(randomToken()));
      await unavailable(storage.getClient('client-1'));
      await unavailable(storage.tryAcquireLock(`refresh:${sid}`, 1_000));
      await unavailable(storage.ping());
      await storage.close();
    });

    it('answers ping', async () => {
      const storage = await fresh();
      await expect(storage.ping()).resolves.toBeUndefined();
      expect(['memory', 'redis']).toContain(storage.kind);
    });
  });
}
