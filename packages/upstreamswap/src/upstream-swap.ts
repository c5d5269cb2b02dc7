import { bearerChallenge, type Logger, silentLogger } from '@auth/protocol';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rewriteRequestHeaders } from './internal/set-request-header.js';
import { validateOptions } from './internal/validate-options.js';
import { upstreamCredential } from './upstream-credential.js';
import type { UpstreamSwapOptions } from './upstream-swap-options.js';

/** Marks handlers made by {@link createUpstreamSwap}; the value is the provider name. */
export const UPSTREAM_SWAP = Symbol.for('@auth/upstreamswap/middleware');

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
    const credential = upstreamCredential(identity, config);
    if (!credential.ok) {
      if (credential.reason === 'unavailable') {
        logger.warn(
          { provider: providerName, reason: credential.detail },
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
      if (credential.status === 'invalid') {
        logger.error({ provider: providerName }, 'upstream token is not a valid header value; not forwarded');
      } else {
        logger.info(
          { provider: providerName, status: credential.status, reason: credential.detail },
          'no upstream token for this route',
        );
      }
      reauthenticate(res);
      return;
    }
    rewriteRequestHeaders(req, credential.remove, credential.header, credential.value);
    next();
  };
  Object.defineProperty(middleware, UPSTREAM_SWAP, { value: providerName });
  return middleware;
}
