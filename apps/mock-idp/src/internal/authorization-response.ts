import type { Request, Response } from 'express';
import type { AuthorizationTarget } from './authorization-request.js';
import type { IdpContext } from './idp-context.js';

/**
 * Redirects the browser to the client with `result` plus `state` and, in oidc mode, `iss`
 * (RFC 9207 §2), applying the `response_state` and `response_iss` faults.
 */
export function sendAuthorizationResponse(
  ctx: IdpContext,
  req: Request,
  res: Response,
  target: AuthorizationTarget,
  result: Record<string, string>,
): void {
  const url = new URL(target.redirectUri);
  for (const [k, v] of Object.entries(result)) url.searchParams.set(k, v);
  const stateFault = ctx.faults.take('response_state');
  if (target.state !== undefined && stateFault !== 'missing') url.searchParams.set('state', target.state);
  const issFault = ctx.faults.take('response_iss');
  if (issFault === 'wrong') url.searchParams.set('iss', `${ctx.issuer}/wrong-issuer`);
  else if (ctx.mode === 'oidc' && issFault !== 'missing') url.searchParams.set('iss', ctx.issuer);
  res.redirect(req.method === 'POST' ? 303 : 302, url.href);
}
