import type { Grant } from '@auth/storage';
import type { ServerContext } from './context.js';

/*
 * The gateway session's lifetime is decided here, and only here:
 * - while the chain runs, the session's upstream tokens live as long as the chain can still
 *   finish (one more pending step, then the authorization code), so an abandoned chain leaves
 *   nothing behind;
 * - redeeming the code creates the grant, and the session then lives as long as the grant: the
 *   refresh-token lifetime when the grant has refresh tokens, else the access token's. Every
 *   provider's tokens are extended to the grant's end in one atomic storage operation.
 */

type LifetimeContext = Pick<ServerContext, 'lifetimes' | 'pendingLifetime'>;

/** When a session whose chain is still running ends, for upstream tokens obtained at `now` (epoch ms). */
export function chainSessionEnd(ctx: LifetimeContext, now: number): number {
  return now + (ctx.pendingLifetime + ctx.lifetimes.authorizationCode) * 1000;
}

/** When the grant a code redemption creates at `now` ends (epoch ms); its session ends with it. */
export function grantEnd(ctx: LifetimeContext, now: number, withRefreshToken: boolean): number {
  return now + (withRefreshToken ? ctx.lifetimes.refreshToken : ctx.lifetimes.accessToken) * 1000;
}

/** The session's upstream tokens now live as long as the grant (they lived as long as the chain). */
export async function extendSessionToGrant(ctx: Pick<ServerContext, 'storage'>, grant: Grant): Promise<void> {
  await ctx.storage.setUpstreamSessionExpiry(grant.sessionId, grant.expiresAt);
}
