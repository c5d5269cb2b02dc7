import { createIdentityMiddleware } from '@auth/identity';
import { createMemoryStorage } from '@auth/storage';
import type { RequestHandler } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { assertIdentityBeforeSwap, protectedRoute, upstreamSwapProvider } from './protected-route.js';
import { createUpstreamSwap } from './upstream-swap.js';
import { UpstreamSwapOptionsError } from './upstream-swap-options-error.js';

describe('start-up wiring checks', () => {
  const storage = createMemoryStorage();
  afterAll(() => storage.close());
  const identity = createIdentityMiddleware({
    issuer: 'http://127.0.0.1:8080',
    audience: 'http://127.0.0.1:8080/mcp/corp',
    jwks: { keys: [] },
    storage,
    resourceMetadataUrl: 'http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp/corp',
  });
  const swap = createUpstreamSwap({ providerName: 'corp', headerStrategy: 'replace' });
  const other: RequestHandler = (_req, _res, next) => next();

  it('names the provider of a swap handler', () => {
    expect(upstreamSwapProvider(swap)).toBe('corp');
    expect(upstreamSwapProvider(other)).toBeUndefined();
  });

  it('accepts identity before the swap, also nested and with other handlers between', () => {
    expect(() => assertIdentityBeforeSwap([identity, swap])).not.toThrow();
    expect(() => assertIdentityBeforeSwap([other, [identity, other], swap, other])).not.toThrow();
    expect(() => assertIdentityBeforeSwap([other])).not.toThrow();
  });

  it.each([
    ['a swap alone', [swap]],
    ['a swap before identity', [swap, identity]],
    ['a swap after a look-alike handler', [other, swap]],
  ])('refuses %s', (_name, handlers) => {
    expect(() => assertIdentityBeforeSwap(handlers)).toThrow(
      new UpstreamSwapOptionsError(
        'ERR_UPSTREAMSWAP_IDENTITY_MISSING',
        'upstreamswap for corp is mounted without the identity middleware before it',
      ),
    );
  });

  it('protectedRoute returns [identity, swap] and refuses anything else', () => {
    expect(protectedRoute(identity, swap)).toEqual([identity, swap]);
    expect(() => protectedRoute(other, swap)).toThrow(UpstreamSwapOptionsError);
    expect(() => protectedRoute(swap, identity)).toThrow(UpstreamSwapOptionsError);
    expect(() => protectedRoute(identity, other)).toThrow(UpstreamSwapOptionsError);
  });
});
