import type { Request, Response } from 'express';
import type { ServerContext } from './context.js';
import { clearCookie, readCookie, setCookie } from './cookies.js';
import { hmac, safeEqual } from './crypto.js';

/** How long a browser may take over the whole chain (every leg). */
const BINDING_SECONDS = 3600;

function names(ctx: ServerContext, sessionId: string) {
  return {
    name: `chain_bind_${hmac(ctx.cookieSecret, `bind-name.${sessionId}`).slice(0, 12)}`,
    value: hmac(ctx.cookieSecret, `bind.${sessionId}`),
  };
}

/**
 * Binds a chain to the browser that started it: a cookie derived (HMAC) from the
 * session id, checked on every callback, so a leg's URL sent to someone else cannot
 * complete the chain in their browser (login CSRF / session swapping at the callback).
 */
export function bindChainToBrowser(ctx: ServerContext, res: Response, sessionId: string): void {
  const { name, value } = names(ctx, sessionId);
  setCookie(res, name, value, BINDING_SECONDS, ctx.cookie);
}

export function isChainBoundToBrowser(ctx: ServerContext, req: Request, sessionId: string): boolean {
  const { name, value } = names(ctx, sessionId);
  const presented = readCookie(req, name);
  return presented !== undefined && safeEqual(presented, value);
}

export function unbindChain(ctx: ServerContext, res: Response, sessionId: string): void {
  clearCookie(res, names(ctx, sessionId).name, ctx.cookie);
}
