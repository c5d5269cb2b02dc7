import { type BearerErrorCode, bearerChallenge } from '@auth/protocol';
import type { NextFunction, Request, Response } from 'express';
import { OAuthError } from '../oauth-error.js';
import { formParams, type Params, queryParams } from './params.js';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** An RFC 6750 §3.1 error with its Bearer challenge (`scope` for `insufficient_scope`). */
export function bearerError(error: BearerErrorCode, description: string, scope?: string): OAuthError {
  return new OAuthError(error, description, {
    wwwAuthenticate: bearerChallenge({
      error,
      errorDescription: description,
      ...(scope === undefined ? {} : { scope }),
    }),
    ...(error === 'invalid_request' ? { status: 400 } : {}),
  });
}

/** The form body of a request, when it is one (RFC 6750 §2.2); never parses anything itself. */
function formBody(req: Request): Params | undefined {
  return req.body !== undefined && req.is('application/x-www-form-urlencoded') ? formParams(req) : undefined;
}

/** The ways a request carries a bearer access token (RFC 6750 §2.1–§2.3). */
function tokenPlaces(req: Request): { header: boolean; body: boolean; query: boolean } {
  return {
    header: /^bearer(?: |$)/i.test(req.headers.authorization ?? ''),
    body: formBody(req)?.has('access_token') ?? false,
    query: queryParams(req).has('access_token'),
  };
}

/**
 * Middleware of every endpoint (after its body parser): a request carrying a bearer token in more
 * than one way (header, form body, query) is `invalid_request` (RFC 6750 §2, 400).
 */
export function oneBearerToken(req: Request, _res: Response, next: NextFunction): void {
  const places = tokenPlaces(req);
  if (Number(places.header) + Number(places.body) + Number(places.query) > 1)
    throw bearerError('invalid_request', 'the access token must be sent in one way only');
  next();
}

/**
 * The access token of a request to a bearer-protected endpoint: the `Authorization` header
 * (RFC 6750 §2.1) or the form body of a POST (§2.2), never the query (§2.3, refused: URLs end up in
 * logs). `undefined` when the request carries none; malformed or repeated values are `invalid_request`.
 */
export function bearerTokenOf(req: Request): string | undefined {
  const places = tokenPlaces(req);
  if (places.query) throw bearerError('invalid_request', 'the access token must not be sent in the URL');
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = BEARER.exec(header);
    if (match === null) throw bearerError('invalid_request', 'malformed Authorization header');
    return match[1]!;
  }
  if (!places.body || req.method !== 'POST') return undefined;
  try {
    return formBody(req)?.optional('access_token', 8192);
  } catch {
    throw bearerError('invalid_request', 'access_token must be sent once');
  }
}
