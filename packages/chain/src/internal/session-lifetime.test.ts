import { randomUUID } from 'node:crypto';
import { createMemoryStorage } from '@auth/storage';
import { grantFixture, upstreamTokensFixture } from '@auth/storage/testing';
import { describe, expect, it } from 'vitest';
import { chainSessionEnd, extendSessionToGrant, grantEnd } from './session-lifetime.js';

const ctx = {
  lifetimes: { accessToken: 3600, refreshToken: 7 * 86_400, authorizationCode: 60 },
  pendingLifetime: 600,
};

describe('the session lifetime', () => {
  it('lasts while the chain can still finish: one pending step, then the code', () => {
    expect(chainSessionEnd(ctx, 1_000)).toBe(1_000 + 660_000);
  });

  it('then lasts as long as the grant: its refresh tokens, or its access token without them', () => {
    expect(grantEnd(ctx, 1_000, true)).toBe(1_000 + 7 * 86_400_000);
    expect(grantEnd(ctx, 1_000, false)).toBe(1_000 + 3_600_000);
  });

  it("extends every provider's upstream tokens of the session to the grant's end, no other session", async () => {
    const storage = createMemoryStorage();
    const [sid, other] = [randomUUID(), randomUUID()];
    const now = Date.now();
    const chaining = chainSessionEnd(ctx, now);
    for (const provider of ['corp', 'github']) {
      await storage.storeUpstreamTokens(sid, provider, upstreamTokensFixture({ sessionExpiresAt: chaining }));
    }
    await storage.storeUpstreamTokens(other, 'corp', upstreamTokensFixture({ sessionExpiresAt: chaining }));
    const grant = grantFixture({ sessionId: sid, expiresAt: grantEnd(ctx, now, true) });
    await extendSessionToGrant({ storage }, grant);
    const ends = (held: Record<string, { sessionExpiresAt?: number }>) =>
      Object.fromEntries(Object.entries(held).map(([name, tokens]) => [name, tokens.sessionExpiresAt]));
    expect(ends(await storage.getAllUpstreamTokens(sid))).toEqual({
      corp: grant.expiresAt,
      github: grant.expiresAt,
    });
    expect(ends(await storage.getAllUpstreamTokens(other))).toEqual({ corp: chaining });
    await storage.close();
  });
});
