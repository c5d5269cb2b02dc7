import { bearerChallenge, type Logger, silentLogger } from '@auth/protocol';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rewriteRequestHeaders } from './internal/set-request-header.js';
import { validateOptions } from './internal/validate-options.js';
import type { UpstreamSwapOptions } from './upstream-swap-options.js';

/** Marks handlers made by {@link createUpstreamSwap}; the value is the provider name. */
export const UPSTREAM_SWAP = Symbol.for('@auth/upstreamswap/middleware');

// A header value must be visible ASCII (RFC 9110 §5.5); anything else could split the request.
const SAFE_VALUE = /^[\x21-\x7e]+$/;

/**
 * Express middleware (docs/architecture.md#upstream-swap) that swaps the gateway's bearer token for the upstream
 * token of `providerName`, read from `req.identity` only (never from storage).
 * Mount it after `@auth/identity`'s middleware; see `protectedRoute`.
 * Invalid options throw `UpstreamSwapOptionsError` here, not on the first request.
 */
export function createUpstreamSwap(options: UpstreamSwapOptions): RequestHandler {
  const config = validateOptions(options);
  const logger: Logger = options.logger ?? silentLogger;
  const { providerName } = config;
  const metadata = {
    ...(config.challengeScope === undefined ? {} : { scope: config.challengeScope }),
    ...(config.resourceMetadataUrl === undefined ? {} : { resourceMetadata: config.resourceMetadataUrl }),
  };

  function reauthenticate(res: Response): void {
    const description = `${providerName} re-authentication required`;
    // RFC 6750 §3.1: the token cannot be used for this resource any more; a new login fixes it.
    res
      .status(401)
      .set({
        'www-authenticate': bearerChallenge({
          error: 'invalid_token',
          errorDescription: description,
          ...metadata,
        }),
        'cache-control': 'no-store',
      })
      .json({ error: 'invalid_token', error_description: description });
  }

  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    const identity = req.identity;
    if (identity === undefined) {
      logger.error(
        { provider: providerName, path: req.originalUrl.split('?')[0] },
        'upstreamswap reached without req.identity: mount the identity middleware before upstreamswap',
      );
      res
        .status(401)
        .set({
          'www-authenticate': bearerChallenge(metadata),
          'cache-control': 'no-store',
        })
        .json({ error: 'unauthorized', error_description: 'Authentication required' });
      return;
    }
    // Own entries only: a provider may be named like an Object.prototype member (`constructor`).
    const token = Object.hasOwn(identity.upstreamTokens, providerName)
      ? identity.upstreamTokens[providerName]
      : undefined;
    const state = Object.hasOwn(identity.upstreams, providerName)
      ? identity.upstreams[providerName]
      : undefined;
    if (token === undefined) {
      if (state?.status === 'unavailable') {
        logger.warn(
          { provider: providerName, reason: state.reason },
          'upstream token temporarily unavailable',
        );
        res
          .status(503)
          .set({ 'retry-after': String(config.retryAfterSeconds), 'cache-control': 'no-store' })
          .json({
            error: 'temporarily_unavailable',
            error_description: `${providerName} is temporarily unavailable`,
          });
        return;
      }
      logger.info(
        { provider: providerName, status: state?.status ?? 'missing', reason: state?.reason },
        'no upstream token for this route',
      );
      reauthenticate(res);
      return;
    }
    if (!SAFE_VALUE.test(token)) {
      logger.error({ provider: providerName }, 'upstream token is not a valid header value; not forwarded');
      reauthenticate(res);
      return;
    }
    if (config.headerStrategy === 'replace') {
      rewriteRequestHeaders(req, [], 'authorization', `Bearer ${token}`);
    } else {
      // The gateway's JWT never reaches the backend.
      rewriteRequestHeaders(req, ['authorization'], config.headerName!, token);
    }
    next();
  };
  Object.defineProperty(middleware, UPSTREAM_SWAP, { value: providerName });
  return middleware;
}
