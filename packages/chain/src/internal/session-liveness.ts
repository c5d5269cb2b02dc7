import type { UpstreamTokens } from '@auth/storage';
import type { ServerContext } from './context.js';

/*
 * A grant lives only as long as its gateway session can serve (docs/architecture.md#when-a-grant-ends):
 * every required upstream still holds tokens that work now or can be refreshed. Revoking a grant
 * deletes the session's upstream tokens, which is what the protected path already reads on every
 * request; the AS's refresh grant, introspection and userinfo look at the same records, so a
 * revocation reaches the grant's access tokens everywhere without a second storage call per request.
 */

type LivenessContext = Pick<ServerContext, 'storage' | 'upstreams' | 'now'>;

/** Tokens a route can use now, or that refresh on read can renew. */
function serves(tokens: Readonly<UpstreamTokens> | undefined, now: number): boolean {
  if (tokens === undefined) return false;
  return tokens.expiresAt === undefined || tokens.expiresAt > now || tokens.refreshToken !== undefined;
}

/**
 * The first required upstream (in chain order) the session can no longer serve, or `undefined`
 * when it serves them all. Optional upstreams never end a grant: a skipped one was never there.
 * One storage read (`getUpstreamTokensFor`).
 */
export async function lostRequiredUpstream(
  ctx: LivenessContext,
  sessionId: string,
): Promise<string | undefined> {
  const required = ctx.upstreams.filter((upstream) => !upstream.optional).map((upstream) => upstream.name);
  const held = await ctx.storage.getUpstreamTokensFor(sessionId, required);
  const now = ctx.now();
  return required.find((name) => !serves(Object.hasOwn(held, name) ? held[name] : undefined, now));
}
