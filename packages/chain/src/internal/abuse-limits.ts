import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { OAuthError } from '../oauth-error.js';
import type { LimitDecision, LimitName } from '../request-limiter.js';
import type { ServerContext } from './context.js';

type LimitContext = Pick<ServerContext, 'limiter' | 'clientAddress' | 'logger' | 'events'>;

function refusal(limit: LimitName, retryAfterSeconds: number): OAuthError {
  return new OAuthError('too_many_requests', `too many requests: the ${limit} limit is reached`, {
    retryAfterSeconds,
    limit,
  });
}

/** The 429 for `limit`, told to the events observer (`rateLimited`) first. */
function refused(ctx: LimitContext, limit: LimitName, retryAfterSeconds: number): OAuthError {
  ctx.events.rateLimited(limit);
  return refusal(limit, retryAfterSeconds);
}

/** The limiter's answer; a limiter that fails (e.g. its store is down) limits nothing, and says so in the log. */
async function decide(
  ctx: LimitContext,
  limit: LimitName,
  key: string,
  ask: 'consume' | 'check',
): Promise<LimitDecision> {
  if (ctx.limiter === undefined) return { allowed: true };
  try {
    return await ctx.limiter[ask](limit, key);
  } catch (error) {
    ctx.logger.warn(
      { event: 'limits.unavailable', limit, reason: error instanceof Error ? error.name : 'unknown' },
      'the abuse limiter failed; the request is not limited',
    );
    return { allowed: true };
  }
}

/** Counts one event of `limit` for `key`; throws a 429 `OAuthError` (with `Retry-After`) past the limit. */
export async function consumeLimit(ctx: LimitContext, limit: LimitName, key: string): Promise<void> {
  const decision = await decide(ctx, limit, key, 'consume');
  if (!decision.allowed) throw refused(ctx, limit, decision.retryAfterSeconds);
}

/** Throws the 429 when `key` is already over `limit`, without counting. */
export async function checkLimit(ctx: LimitContext, limit: LimitName, key: string): Promise<void> {
  const decision = await decide(ctx, limit, key, 'check');
  if (!decision.allowed) throw refused(ctx, limit, decision.retryAfterSeconds);
}

/** Middleware: one event of `limit` per request, counted by the client's address. */
export function limitByAddress(ctx: LimitContext, limit: LimitName): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (ctx.limiter === undefined) {
      next();
      return;
    }
    consumeLimit(ctx, limit, ctx.clientAddress(req)).then(() => next(), next);
  };
}
