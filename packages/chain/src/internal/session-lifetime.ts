import type { Grant } from '@auth/storage';
import type { ServerContext } from './context.js';

/*
 * The gateway session's lifetime is decided here, and only here (docs/architecture.md#record-lifetimes):
 * - while the chain runs, the session's upstream tokens are provisional: they live exactly as long as
 *   the chain can still finish (one more pending step, then the authorization code), whatever the IdP
 *   token's own expiry, and each completed leg moves every entry's deadline; the user and provider
 *   identities a leg creates live as long too. An abandoned or failed chain leaves nothing behind
 *   once that deadline passes, even when its cleanup could not run (storage outage, a killed replica);
 * - redeeming the code creates the grant, and the session then lives as long as the grant: the
 *   refresh-token lifetime when the grant has refresh tokens, else the access token's. Every
 *   provider's tokens are extended to the grant's end in one atomic storage operation, and the user
 *   with the session's provider identities is kept until the grant's end plus the user retention.
 */

type LifetimeContext = Pick<ServerContext, 'lifetimes' | 'pendingLifetime'>;

/** When a session whose chain is still running ends, for a leg completed at `now` (epoch ms). */
export function chainSessionEnd(ctx: LifetimeContext, now: number): number {
  return now + (ctx.pendingLifetime + ctx.lifetimes.authorizationCode) * 1000;
}

/** When the grant a code redemption creates at `now` ends (epoch ms); its session ends with it. */
export function grantEnd(ctx: LifetimeContext, now: number, withRefreshToken: boolean): number {
  return now + (withRefreshToken ? ctx.lifetimes.refreshToken : ctx.lifetimes.accessToken) * 1000;
}

type StorageContext = Pick<ServerContext, 'storage'>;

/** Keeps the user and the provider identities its session holds (linked to it) until at least `until`. */
async function retainSessionUser(ctx: StorageContext, sessionId: string, userId: string, until: number) {
  const held = await ctx.storage.getAllUpstreamTokens(sessionId);
  const identities = Object.entries(held)
    .filter(([, tokens]) => tokens.userId === userId)
    .map(([providerName, tokens]) => ({ providerName, upstreamSubject: tokens.upstreamSubject }));
  await ctx.storage.retainUser(userId, until, identities);
}

/**
 * A leg completed at `now` after earlier legs: the session's entries, provisional still, and the
 * user with the identities the earlier legs created, now live until the chain's new deadline (a
 * long chain must not lose its first legs).
 */
export async function extendChain(
  ctx: LifetimeContext & StorageContext,
  sessionId: string,
  userId: string,
  now: number,
): Promise<void> {
  const end = chainSessionEnd(ctx, now);
  await ctx.storage.setUpstreamSessionExpiry(sessionId, end, { provisional: true });
  await retainSessionUser(ctx, sessionId, userId, end);
}

/**
 * The chain's code was redeemed: the session's upstream tokens now live as long as the grant (they
 * lived as long as the chain), and the user and the session's provider identities until the
 * grant's end plus `userRetention` (so users without a live grant are forgotten after it).
 */
export async function extendSessionToGrant(
  ctx: StorageContext & Pick<ServerContext, 'userRetention'>,
  grant: Grant,
): Promise<void> {
  await ctx.storage.setUpstreamSessionExpiry(grant.sessionId, grant.expiresAt);
  await retainSessionUser(ctx, grant.sessionId, grant.userId, grant.expiresAt + ctx.userRetention * 1000);
}
