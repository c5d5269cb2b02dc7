import type { Request, Response } from 'express';
import type { IdpContext } from './idp-context.js';

/** GitHub answers JSON only when asked (`Accept: application/json`), form-encoded otherwise. */
export function wantsJson(req: Request): boolean {
  return /application\/json/i.test(req.headers.accept ?? '');
}

/** Writes a token-endpoint body: JSON in oidc mode, JSON or form-encoded in oauth2 mode. */
export function sendTokenBody(
  ctx: IdpContext,
  req: Request,
  res: Response,
  status: number,
  body: Record<string, string | number | undefined>,
): void {
  res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
  const defined = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number
  >;
  if (ctx.mode === 'oidc' || wantsJson(req)) {
    res.status(status).json(defined);
    return;
  }
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(defined)) form.set(k, String(v));
  res.status(status).type('application/x-www-form-urlencoded').send(form.toString());
}

/**
 * An error from the token endpoint: RFC 6749 §5.2 in oidc mode (400, or 401 for
 * `invalid_client`); GitHub's way in oauth2 mode (status 200 with an `error` field).
 */
export function sendTokenError(
  ctx: IdpContext,
  req: Request,
  res: Response,
  error: { error: string; description: string; status?: number; basicChallenge?: boolean },
): void {
  const status = error.status ?? (ctx.mode === 'oauth2' ? 200 : 400);
  if (error.basicChallenge === true && ctx.mode === 'oidc')
    res.set('WWW-Authenticate', 'Basic realm="mock-idp"');
  sendTokenBody(ctx, req, res, status, { error: error.error, error_description: error.description });
}
