import type { Request, Response } from 'express';
import { completeLeg } from '../chain.js';
import type { ServerContext } from '../context.js';
import { sendErrorPage } from '../html.js';
import { queryParams } from '../params.js';

/** `GET /oauth/callback/:upstream`: one leg's return from an upstream IdP (docs/architecture.md#the-login-chain). */
export function callbackHandler(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const provider = String(req.params['upstream'] ?? '');
    let state: string | undefined;
    try {
      state = queryParams(req).optional('state', 256);
    } catch {
      state = undefined;
    }
    if (state === undefined) {
      sendErrorPage(res, 400, 'invalid_request', 'The sign-in response carries no state.');
      return;
    }
    // Consumed atomically: a replayed or unknown state finds nothing.
    const pending = await ctx.storage.consumePendingAuthorization(state);
    if (pending === undefined || pending.kind !== 'leg') {
      const known = ctx.upstreams.some((u) => u.name === provider);
      ctx.logger.warn(
        { event: 'callback.unknown_state', provider: known ? provider : 'unknown' },
        'unknown, expired or replayed state',
      );
      sendErrorPage(res, 400, 'invalid_request', 'This sign-in response has expired or was already used.');
      return;
    }
    await completeLeg(ctx, pending, provider, req, res);
  };
}
