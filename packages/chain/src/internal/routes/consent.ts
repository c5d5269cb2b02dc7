import type { Request, Response } from 'express';
import { OAuthError } from '../../oauth-error.js';
import { startChain } from '../chain.js';
import { errorRedirectUrl } from '../client-redirect.js';
import { consentSubject, csrfCookieName, rememberClient } from '../consent-cookie.js';
import { openConsentForm } from '../consent-form.js';
import type { ServerContext } from '../context.js';
import { clearCookie, readCookie } from '../cookies.js';
import { safeEqual } from '../crypto.js';
import { findClient } from '../find-client.js';
import { sendErrorPage } from '../html.js';
import { formParams } from '../params.js';
import { redirectTo } from '../redirect.js';
import { mayRedirectBeforeConsent } from '../redirect-trust.js';

/** The sealed state holds the whole request (state, redirect URI, resources…): bounded by the form limit. */
const MAX_SEALED_FORM_LENGTH = 24_576;

const ANSWERED = 'This authorization request has expired or was already answered.';

/** `POST /oauth/consent`: the consent form's answer (docs/architecture.md#consent). */
export function consentHandler(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    let sealed: string;
    let csrfToken: string;
    let decision: string | undefined;
    try {
      const params = formParams(req);
      sealed = params.required('interaction', MAX_SEALED_FORM_LENGTH);
      csrfToken = params.required('csrf_token', 128);
      decision = params.optional('decision', 16);
    } catch (error) {
      sendErrorPage(
        res,
        400,
        'invalid_request',
        error instanceof OAuthError ? error.errorDescription : 'bad form',
      );
      return;
    }
    const pending = await openConsentForm(ctx.consentFormKey, sealed, ctx.now());
    if (pending === undefined) {
      sendErrorPage(res, 400, 'invalid_request', ANSWERED);
      return;
    }
    const cookieName = csrfCookieName(pending.interactionId);
    const cookieToken = readCookie(req, cookieName) ?? '';
    clearCookie(res, cookieName, ctx.cookie);
    // The CSRF token must match both the sealed request and this browser's cookie.
    if (!safeEqual(csrfToken, pending.csrfToken) || !safeEqual(cookieToken, pending.csrfToken)) {
      ctx.logger.warn(
        { event: 'consent.csrf_mismatch', clientId: pending.request.clientId },
        'consent CSRF check failed',
      );
      sendErrorPage(
        res,
        403,
        'access_denied',
        'The consent form could not be verified. Start again from the application.',
      );
      return;
    }
    // Single use: the first verified answer marks the interaction until the form expires.
    const answered = await ctx.storage.tryAcquireLock(
      `consent-answered:${pending.interactionId}`,
      Math.max(1, pending.expiresAt - ctx.now()),
    );
    if (answered === undefined) {
      sendErrorPage(res, 400, 'invalid_request', ANSWERED);
      return;
    }
    const { request } = pending;
    // The client decides where an answer may go and how its approval is remembered.
    const lookup = await findClient(ctx, request.clientId);
    if (!lookup.found) {
      sendErrorPage(res, 400, 'invalid_client', lookup.problem);
      return;
    }
    const { client } = lookup;
    if (decision !== 'allow') {
      ctx.logger.info({ event: 'consent.denied', clientId: request.clientId }, 'consent denied');
      // RFC 6749 §4.1.2.1 sends access_denied to the client; RFC 9700 §4.11.2 allows that
      // only for a verified redirect URI (see README, "Deny").
      if (!mayRedirectBeforeConsent(req, ctx, client, request.redirectUri)) {
        sendErrorPage(res, 403, 'access_denied', 'You denied access. You can close this window.');
        return;
      }
      const error = new OAuthError('access_denied', 'the user denied the request');
      redirectTo(res, 303, errorRedirectUrl(request.redirectUri, error, request.state, ctx.issuer));
      return;
    }
    const subject = consentSubject(client, request.redirectUri);
    rememberClient(req, res, subject, request.scope, ctx.cookieSecret, ctx.now(), ctx.cookie);
    ctx.logger.info({ event: 'consent.allowed', clientId: request.clientId }, 'consent given');
    await startChain(ctx, request, res, 303);
  };
}
