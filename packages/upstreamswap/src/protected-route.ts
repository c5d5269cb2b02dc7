import { isIdentityMiddleware } from '@auth/identity';
import type { RequestHandler } from 'express';
import { UPSTREAM_SWAP } from './upstream-swap.js';
import { UpstreamSwapOptionsError } from './upstream-swap-options-error.js';

/** The provider name of a handler made by `createUpstreamSwap`, else `undefined`. */
export function upstreamSwapProvider(handler: unknown): string | undefined {
  if (typeof handler !== 'function') return undefined;
  const value = (handler as unknown as Record<symbol, unknown>)[UPSTREAM_SWAP];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Start-up check (docs/architecture.md#upstream-swap): every upstreamswap in a route's handler chain must come after
 * an identity middleware. Nested arrays are walked in order, as express does.
 * Throws `UpstreamSwapOptionsError` (`ERR_UPSTREAMSWAP_IDENTITY_MISSING`) on a miswired route.
 */
export function assertIdentityBeforeSwap(handlers: readonly unknown[]): void {
  let identitySeen = false;
  const visit = (list: readonly unknown[]): void => {
    for (const handler of list) {
      if (Array.isArray(handler)) {
        visit(handler);
        continue;
      }
      if (isIdentityMiddleware(handler)) identitySeen = true;
      const provider = upstreamSwapProvider(handler);
      if (provider !== undefined && !identitySeen) {
        throw new UpstreamSwapOptionsError(
          'ERR_UPSTREAMSWAP_IDENTITY_MISSING',
          `upstreamswap for ${provider} is mounted without the identity middleware before it`,
        );
      }
    }
  };
  visit(handlers);
}

/**
 * Composes a protected route's front half in the only valid order, identity → upstreamswap,
 * after checking both are what they claim to be. Mount the proxy after it:
 * `app.use('/mcp/corp', ...protectedRoute(identity, swap), proxy)`.
 */
export function protectedRoute(
  identity: RequestHandler,
  swap: RequestHandler,
): [RequestHandler, RequestHandler] {
  if (!isIdentityMiddleware(identity)) {
    throw new UpstreamSwapOptionsError(
      'ERR_UPSTREAMSWAP_IDENTITY_MISSING',
      'protectedRoute: the first handler must come from createIdentityMiddleware',
    );
  }
  if (upstreamSwapProvider(swap) === undefined) {
    throw new UpstreamSwapOptionsError(
      'ERR_UPSTREAMSWAP_INVALID_OPTION',
      'protectedRoute: the second handler must come from createUpstreamSwap',
    );
  }
  return [identity, swap];
}
