import { randomUUID } from 'node:crypto';
import { recordingLogger } from '@auth/test-kit';
import { describe, expect, it, vi } from 'vitest';
import { InvalidStorageArgumentError } from './errors.js';
import { createMemoryStorage } from './memory-storage.js';
import {
  clientFixture,
  codeRecordFixture,
  pendingFixture,
  randomToken,
  runStorageContract,
  upstreamTokensFixture,
} from './testing/index.js';

runStorageContract('memory', async () => ({ storage: createMemoryStorage() }));

describe('memory storage: eviction with an injected clock', () => {
  const HOUR = 3_600_000;

  it('keeps an entry whose access token expired while its session lives, and evicts it after', async () => {
    let now = 1_000_000;
    const storage = createMemoryStorage({ now: () => now });
    const sid = randomUUID();
    const tokens = upstreamTokensFixture({ expiresAt: now + HOUR, sessionExpiresAt: now + 24 * HOUR });
    await storage.storeUpstreamTokens(sid, 'corp', tokens);
    now += 2 * HOUR; // access token expired, refresh/session still valid
    expect(await storage.getAllUpstreamTokens(sid)).toEqual({ corp: tokens });
    now += 22 * HOUR; // session over
    expect(await storage.getAllUpstreamTokens(sid)).toEqual({});
    expect(await storage.getUpstreamTokens(sid, 'corp')).toBeUndefined();
    await storage.close();
  });

  it('lives until the access-token expiry when it outlasts the session', async () => {
    let now = 1_000_000;
    const storage = createMemoryStorage({ now: () => now });
    const sid = randomUUID();
    const tokens = upstreamTokensFixture({ expiresAt: now + 2 * HOUR, sessionExpiresAt: now + HOUR });
    await storage.storeUpstreamTokens(sid, 'corp', tokens);
    now += HOUR + 1;
    expect(await storage.getUpstreamTokens(sid, 'corp')).toEqual(tokens);
    now += HOUR;
    expect(await storage.getUpstreamTokens(sid, 'corp')).toBeUndefined();
    await storage.close();
  });

  it('never evicts a refreshable entry without a session end, and evicts an expired non-refreshable one', async () => {
    let now = 1_000_000;
    const storage = createMemoryStorage({ now: () => now });
    const sid = randomUUID();
    const refreshable = upstreamTokensFixture({ expiresAt: now + HOUR });
    const { refreshToken: _r, ...plain } = upstreamTokensFixture({ expiresAt: now + HOUR });
    await storage.storeUpstreamTokens(sid, 'corp', refreshable);
    await storage.storeUpstreamTokens(sid, 'github', plain);
    now += 100 * HOUR;
    expect(await storage.getAllUpstreamTokens(sid)).toEqual({ corp: refreshable });
    await storage.close();
  });

  it('expires pending authorizations, codes and grants by the clock', async () => {
    let now = 1_000_000;
    const storage = createMemoryStorage({ now: () => now });
    const pending = pendingFixture({ expiresAt: now + 1000 });
    const code = randomToken('code');
    await storage.savePendingAuthorization(pending);
    await storage.saveAuthorizationCode(code, codeRecordFixture({ expiresAt: now + 1000 }));
    now += 1000;
    expect(await storage.consumePendingAuthorization(pending.id)).toBeUndefined();
    expect(await storage.consumeAuthorizationCode(code)).toEqual({ status: 'unknown' });
    await storage.close();
  });

  it('sweeps expired entries on writes, popping only expired ones off the heap', async () => {
    let now = 1_000_000;
    const storage = createMemoryStorage({ now: () => now, maxPendingAuthorizations: 5 });
    const short = Array.from({ length: 3 }, () => pendingFixture({ expiresAt: now + 10 }));
    const long = Array.from({ length: 2 }, () => pendingFixture({ expiresAt: now + 100_000 }));
    for (const pending of [...long, ...short]) await storage.savePendingAuthorization(pending);
    now += 20;
    // The short-lived three are swept by the next writes, so the bound evicts nothing live.
    const fresh = Array.from({ length: 3 }, () => pendingFixture({ expiresAt: now + 100_000 }));
    for (const pending of fresh) await storage.savePendingAuthorization(pending);
    for (const pending of [...long, ...fresh]) {
      expect(await storage.consumePendingAuthorization(pending.id)).toEqual(pending);
    }
    await storage.close();
  });
});

describe('memory storage: bounds and warnings', () => {
  it('evicts the oldest pending authorization beyond maxPendingAuthorizations, and warns once', async () => {
    const logger = recordingLogger();
    const lines = logger.entries;
    const storage = createMemoryStorage({ maxPendingAuthorizations: 3, logger });
    const entries = Array.from({ length: 5 }, () => pendingFixture());
    for (const pending of entries) await storage.savePendingAuthorization(pending);
    expect(await storage.consumePendingAuthorization(entries[0]!.id)).toBeUndefined();
    expect(await storage.consumePendingAuthorization(entries[1]!.id)).toBeUndefined();
    for (const pending of entries.slice(2)) {
      expect(await storage.consumePendingAuthorization(pending.id)).toEqual(pending);
    }
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.obj).toMatchObject({ bound: 'maxPendingAuthorizations', max: 3 });
    await storage.close();
  });

  it('evicts the oldest dynamic client beyond maxClients, never a static one', async () => {
    const storage = createMemoryStorage({ maxClients: 2 });
    const staticClient = clientFixture({ static: true });
    await storage.saveClient(staticClient);
    const dynamic = Array.from({ length: 3 }, () => clientFixture());
    for (const client of dynamic) await storage.saveClient(client);
    expect(await storage.getClient(staticClient.clientId)).toBeDefined();
    expect(await storage.getClient(dynamic[0]!.clientId)).toBeUndefined();
    expect(await storage.getClient(dynamic[1]!.clientId)).toBeDefined();
    expect(await storage.getClient(dynamic[2]!.clientId)).toBeDefined();
    await storage.close();
  });

  it('warns exactly once at creation when asked to (not for production)', async () => {
    const logger = recordingLogger();
    const lines = logger.entries;
    const storage = createMemoryStorage({ logger, warnOutsideTests: true });
    await storage.storeUpstreamTokens(randomUUID(), 'corp', upstreamTokensFixture());
    await storage.getAllUpstreamTokens(randomUUID());
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(1);
    expect(lines[0]?.msg).toMatch(/not for production/);
    await storage.close();

    const quiet = recordingLogger();
    const silent = createMemoryStorage({ logger: quiet });
    expect(quiet.entries).toHaveLength(0);
    await silent.close();
  });

  it('rejects nonsensical bounds', () => {
    expect(() => createMemoryStorage({ maxClients: 0 })).toThrow(InvalidStorageArgumentError);
    expect(() => createMemoryStorage({ maxPendingAuthorizations: 1.5 })).toThrow(InvalidStorageArgumentError);
  });

  it('clears its sweep timer on close', async () => {
    vi.useFakeTimers();
    try {
      const before = vi.getTimerCount();
      const storage = createMemoryStorage({ sweepIntervalMs: 10 });
      expect(vi.getTimerCount()).toBe(before + 1);
      await storage.close();
      expect(vi.getTimerCount()).toBe(before);
    } finally {
      vi.useRealTimers();
    }
  });
});
