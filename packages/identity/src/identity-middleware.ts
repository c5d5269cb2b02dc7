import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  type AuthenticateOptions,
  type Authenticator,
  type AuthenticatorOptions,
  createAuthenticator,
} from './authenticator.js';
import { IdentityOptionsError } from './errors.js';
import type { Identity } from './identity.js';

declare global {
  namespace Express {
    interface Request {
      /** Set by `@auth/identity`'s middleware once the bearer token is verified. */
      identity?: Identity;
    }
  }
}

/** Marks handlers made by {@link createIdentityMiddleware}, for start-up wiring checks. */
const IDENTITY_MIDDLEWARE = Symbol.for('@auth/identity/middleware');

/** Options of {@link createIdentityMiddleware}: an authenticator, or the options to create one. */
export type IdentityMiddlewareOptions = (AuthenticatorOptions | { authenticator: Authenticator }) &
  AuthenticateOptions;

/**
 * Express middleware (docs/architecture.md#the-protected-path): verifies the bearer token, sets `req.identity` and
 * answers rejections itself (400/401 with `WWW-Authenticate`, 503 when storage is down).
 */
export function createIdentityMiddleware(options: IdentityMiddlewareOptions): RequestHandler {
  const authenticator = 'authenticator' in options ? options.authenticator : createAuthenticator(options);
  const perRequest: AuthenticateOptions = {};
  if (options.refreshProviders !== undefined) {
    const providers = options.refreshProviders;
    if (!Array.isArray(providers) || !providers.every((p) => typeof p === 'string' && p !== '')) {
      throw new IdentityOptionsError('refreshProviders must be an array of provider names');
    }
    if (!('authenticator' in options)) {
      const clients = options.upstreamClients ?? {};
      const missing = providers.filter((p) => !Object.hasOwn(clients, p) || clients[p] === undefined);
      if (missing.length > 0) {
        throw new IdentityOptionsError(`refreshProviders: no upstream client for ${missing.join(', ')}`);
      }
    }
    perRequest.refreshProviders = [...providers];
  }

  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    const request = { authorization: req.headers.authorization, url: req.originalUrl ?? req.url };
    authenticator.authenticate(request, perRequest).then((result) => {
      if (result.ok) {
        req.identity = result.identity;
        next();
        return;
      }
      const { rejection } = result;
      res.status(rejection.status).set(rejection.headers).json(rejection.body);
    }, next);
  };
  Object.defineProperty(middleware, IDENTITY_MIDDLEWARE, { value: true });
  return middleware;
}

/** Whether `handler` was made by {@link createIdentityMiddleware}. */
export function isIdentityMiddleware(handler: unknown): boolean {
  return (
    typeof handler === 'function' &&
    (handler as unknown as Record<symbol, unknown>)[IDENTITY_MIDDLEWARE] === true
  );
}
