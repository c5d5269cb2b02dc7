import type { ClientAuthorizationRequest } from '@auth/storage';
import type { Request, Response } from 'express';
import { OAuthError } from '../../oauth-error.js';
import { startChain } from '../chain.js';
import { errorRedirectUrl } from '../client-redirect.js';
import { consentSubject, csrfCookieName, isConsentRemembered } from '../consent-cookie.js';
import { sealConsentForm } from '../consent-form.js';
import { endpoint, type ServerContext } from '../context.js';
import { setCookie } from '../cookies.js';
import { randomToken } from '../crypto.js';
import { findClient } from '../find-client.js';
import { type RedirectTarget, sendConsentPage, sendErrorPage } from '../html.js';
import { type Params, queryParams } from '../params.js';
import { parseMaxAge, reauthenticationRequest } from '../reauthentication.js';
import { redirectTo } from '../redirect.js';
import { mayRedirectBeforeConsent } from '../redirect-trust.js';
import { matchRedirectUri, nativeAppScheme } from '../redirect-uri.js';
import { canonicalResources } from '../resource-uri.js';
import { allowedScopes, parseScope } from '../scopes.js';

const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** Validates the redirectable part of the request (RFC 6749 §4.1.2.1, docs/architecture.md#authorization-request-rules); throws `OAuthError`. */
function validateRequest(
  ctx: ServerContext,
  params: Params,
  allowed: readonly string[],
  responseTypes: readonly string[],
): Omit<ClientAuthorizationRequest, 'clientId' | 'redirectUri' | 'state'> {
  const responseType = params.optional('response_type', 64);
  if (responseType === undefined) throw new OAuthError('invalid_request', 'response_type is required');
  if (responseType !== 'code' || !responseTypes.includes('code'))
    throw new OAuthError('unsupported_response_type', 'only response_type=code is supported');
  // RFC 7636 / OAuth 2.1: PKCE required, S256 only, checked before any upstream is visited.
  const challenge = params.optional('code_challenge', 256);
  const method = params.optional('code_challenge_method', 16);
  if (challenge === undefined) throw new OAuthError('invalid_request', 'code_challenge is required (PKCE)');
  if (method !== 'S256') throw new OAuthError('invalid_request', 'code_challenge_method must be S256');
  if (!CODE_CHALLENGE.test(challenge))
    throw new OAuthError('invalid_request', 'code_challenge must be a base64url SHA-256 hash');
  const scope = parseScope(params.optional('scope', 2048));
  const unknown = scope.filter((s) => !allowed.includes(s));
  if (unknown.length > 0)
    throw new OAuthError('invalid_scope', 'a requested scope is not allowed for this client');
  // RFC 8707 §2: resources must be configured audiences (compared after RFC 3986 §6.2.2 normalization).
  const resource = canonicalResources(ctx.resources, params.all('resource', 2048));
  if (resource.some((r) => !ctx.resources.includes(r)))
    throw new OAuthError('invalid_target', 'the requested resource is unknown');
  const nonce = params.optional('nonce', 512);
  return {
    scope,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    resource,
    ...(nonce === undefined ? {} : { nonce }),
  };
}

/**
 * OIDC Core §3.1.2.1 `prompt`: unknown values are ignored; `none` may not be combined with
 * another value. The chain always visits the upstream IdPs, so it can never finish without the
 * user: `prompt=none` is answered with `login_required` (§3.1.2.6), before consent or any upstream.
 */
function parsePrompt(params: Params): string[] {
  const prompt = (params.optional('prompt', 256) ?? '').split(' ').filter((value) => value !== '');
  if (prompt.includes('none')) {
    if (prompt.length > 1)
      throw new OAuthError('invalid_request', 'prompt=none must not be combined with other values');
    throw new OAuthError('login_required', 'signing in requires the user at the upstream identity providers');
  }
  return prompt;
}

/** `GET /oauth/authorize` (RFC 6749 §4.1.1, docs/architecture.md#authorization-request-rules). */
export function authorizeHandler(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const params = queryParams(req);
    // Rule 1: client and redirect URI, reported on a page, never by redirect.
    let clientId: string;
    let redirectUri: string;
    try {
      clientId = params.required('client_id', 256);
      redirectUri = params.required('redirect_uri', 2048);
    } catch (error) {
      const description = error instanceof OAuthError ? error.errorDescription : 'invalid request';
      sendErrorPage(res, 400, 'invalid_request', description);
      return;
    }
    // A URL client_id is a client metadata document, fetched here; its failures are a page too.
    const lookup = await findClient(ctx, clientId);
    if (!lookup.found) {
      sendErrorPage(res, 400, 'invalid_client', lookup.problem);
      return;
    }
    const { client } = lookup;
    if (!matchRedirectUri(client.redirectUris, redirectUri)) {
      sendErrorPage(res, 400, 'invalid_request', 'The redirect URI is not registered for this application.');
      return;
    }

    // Rule 2: everything else goes back to the client with state and iss (RFC 9207), when the
    // redirect URI is verified (RFC 9700 §4.11.2); otherwise on a page.
    const redirectable = mayRedirectBeforeConsent(req, ctx, client, redirectUri);
    let state: string | undefined;
    let request: ClientAuthorizationRequest;
    let prompt: string[];
    try {
      state = params.optional('state', 2048);
    } catch (error) {
      redirectError(ctx, res, redirectable ? redirectUri : undefined, undefined, error as OAuthError);
      return;
    }
    try {
      // OIDC Core §6 / RFC 9101: request objects are not supported (discovery says so); checked
      // first, since the other parameters may be inside the object only.
      if (params.has('request'))
        throw new OAuthError('request_not_supported', 'request objects are not supported');
      if (params.has('request_uri'))
        throw new OAuthError('request_uri_not_supported', 'request_uri is not supported');
      if (!client.grantTypes.includes('authorization_code'))
        throw new OAuthError('unauthorized_client', 'the client may not use the authorization code grant');
      const validated = validateRequest(
        ctx,
        params,
        allowedScopes(client, ctx.scopesSupported),
        client.responseTypes,
      );
      prompt = parsePrompt(params);
      const maxAge = parseMaxAge(params.optional('max_age', 16));
      request = {
        clientId,
        redirectUri,
        ...validated,
        ...(state === undefined ? {} : { state }),
        ...reauthenticationRequest(prompt, maxAge),
      };
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      redirectError(ctx, res, redirectable ? redirectUri : undefined, state, error);
      return;
    }

    // Rule 3: consent, unless trusted or remembered for this browser; `prompt=consent` (OIDC Core
    // §3.1.2.1) asks again, a trusted client included.
    const now = ctx.now();
    const skip =
      !prompt.includes('consent') &&
      (client.trusted === true ||
        isConsentRemembered(req, ctx.cookieSecret, now, consentSubject(client, redirectUri), request.scope));
    if (skip) {
      await startChain(ctx, request, res, 302);
      return;
    }
    const interactionId = randomToken();
    const csrfToken = randomToken();
    // Rule 4: nothing is stored before consent; the request travels sealed in the form, bound to
    // this browser by the CSRF cookie. The first record is the first leg's, after approval.
    const sealed = await sealConsentForm(ctx.consentFormKey, {
      interactionId,
      csrfToken,
      request,
      expiresAt: now + ctx.pendingLifetime * 1000,
    });
    setCookie(res, csrfCookieName(interactionId), csrfToken, ctx.pendingLifetime, ctx.cookie);
    sendConsentPage(res, {
      clientName: client.clientName ?? client.clientId,
      redirect: redirectTarget(redirectUri),
      ...(lookup.documentHost === undefined ? {} : { documentHost: lookup.documentHost }),
      scopes: request.scope,
      upstreams: ctx.upstreams.map((u) => ({ displayName: u.displayName, optional: u.optional })),
      action: endpoint(ctx, '/oauth/consent'),
      interaction: sealed,
      csrfToken,
    });
  };
}

/** What the consent page says about where the answer goes (RFC 8252 §7.1: a native app shows its scheme). */
function redirectTarget(redirectUri: string): RedirectTarget {
  const scheme = nativeAppScheme(redirectUri);
  return scheme === undefined ? { kind: 'web', host: new URL(redirectUri).host } : { kind: 'native', scheme };
}

/** Sends the error to the client's redirect URI, or on a page when there is none it may go to. */
function redirectError(
  ctx: ServerContext,
  res: Response,
  redirectUri: string | undefined,
  state: string | undefined,
  error: OAuthError,
): void {
  ctx.logger.info(
    {
      event: 'authorize.rejected',
      error: error.error,
      detail: error.errorDescription,
      answer: redirectUri === undefined ? 'page' : 'redirect',
    },
    'rejected',
  );
  if (redirectUri === undefined) sendErrorPage(res, 400, error.error, error.errorDescription);
  else redirectTo(res, 302, errorRedirectUrl(redirectUri, error, state, ctx.issuer));
}
