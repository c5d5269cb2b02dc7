import { randomUUID } from 'node:crypto';
import { createMemoryStorage, type Storage, type UpstreamTokens } from '@auth/storage';
import { grantFixture, upstreamTokensFixture } from '@auth/storage/testing';
import { describe, expect, it } from 'vitest';
import { chainSessionEnd, extendChain, extendSessionToGrant, grantEnd } from './session-lifetime.js';

const ctx = {
  lifetimes: { accessToken: 3600, refreshToken: 7 * 86_400, authorizationCode: 60 },
  pendingLifetime: 600,
  userRetention: 30 * 86_400,
};

/** What a first leg leaves at `now`: a new user, its corp identity and provisional corp tokens. */
async function firstLeg(storage: Storage, now: number, overrides: Partial<UpstreamTokens> = {}) {
  const sid = randomUUID();
  const user = { id: randomUUID(), createdAt: now, updatedAt: now };
  const deadline = chainSessionEnd(ctx, now);
  await storage.saveUser(user, deadline);
  await storage.linkProviderIdentity('corp', 'alice', user.id, deadline);
  await storage.storeUpstreamTokens(
    sid,
    'corp',
    upstreamTokensFixture({
      userId: user.id,
      upstreamSubject: 'alice',
      sessionExpiresAt: deadline,
      provisional: true,
      ...overrides,
    }),
  );
  return { sid, user, deadline };
}

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
    await extendSessionToGrant({ storage, userRetention: ctx.userRetention }, grant);
    const ends = (held: Record<string, { sessionExpiresAt?: number }>) =>
      Object.fromEntries(Object.entries(held).map(([name, tokens]) => [name, tokens.sessionExpiresAt]));
    expect(ends(await storage.getAllUpstreamTokens(sid))).toEqual({
      corp: grant.expiresAt,
      github: grant.expiresAt,
    });
    expect(ends(await storage.getAllUpstreamTokens(other))).toEqual({ corp: chaining });
    await storage.close();
  });

  it('keeps a leg’s tokens, user and identities provisional until the chain’s deadline; a later leg moves it', async () => {
    let now = 1_000_000;
    const storage = createMemoryStorage({ now: () => now });
    // The IdP's token outlives the chain: it must not keep the entry.
    const { sid, user, deadline: first } = await firstLeg(storage, now, { expiresAt: now + 86_400_000 });
    now += 500_000; // the second leg completes late, still within the first leg's deadline
    await extendChain({ ...ctx, storage }, sid, user.id, now);
    now = first + 1; // past the first deadline: everything was moved to the second one
    expect(Object.keys(await storage.getAllUpstreamTokens(sid))).toEqual(['corp']);
    expect(await storage.getUser(user.id)).toEqual(user);
    expect(await storage.getUserIdByProviderIdentity('corp', 'alice')).toBe(user.id);
    now = chainSessionEnd(ctx, 1_500_000) + 1; // abandoned: nothing is left
    expect(await storage.getAllUpstreamTokens(sid)).toEqual({});
    expect(await storage.getUser(user.id)).toBeUndefined();
    expect(await storage.getUserIdByProviderIdentity('corp', 'alice')).toBeUndefined();
    await storage.close();
  });

  it('keeps the user and the session’s identities until the grant’s end plus the retention', async () => {
    let now = 1_000_000;
    const storage = createMemoryStorage({ now: () => now });
    const { sid, user } = await firstLeg(storage, now);
    const grant = grantFixture({ sessionId: sid, userId: user.id, expiresAt: grantEnd(ctx, now, true) });
    await extendSessionToGrant({ storage, userRetention: ctx.userRetention }, grant);
    expect((await storage.getUpstreamTokens(sid, 'corp'))?.provisional).toBeUndefined();
    now = grant.expiresAt + ctx.userRetention * 1000 - 1;
    expect(await storage.getUser(user.id)).toEqual(user);
    expect(await storage.getUserIdByProviderIdentity('corp', 'alice')).toBe(user.id);
    now += 2;
    expect(await storage.getUser(user.id)).toBeUndefined();
    expect(await storage.getUserIdByProviderIdentity('corp', 'alice')).toBeUndefined();
    await storage.close();
  });
});
