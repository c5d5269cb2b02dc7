import type { ClientAuthorizationRequest, PendingLeg, UpstreamTokens } from '@auth/storage';
import { type UpstreamAuthorization, UpstreamError, type UpstreamLegParameters } from '@auth/upstream';
import type { Request, Response } from 'express';
import { OAuthError } from '../oauth-error.js';
import { bindChainToBrowser, isChainBoundToBrowser, unbindChain } from './chain-binding.js';
import { chainError, describeError } from './chain-error.js';
import { clientRedirectUrl, errorRedirectUrl } from './client-redirect.js';
import { endpoint, type ServerContext, type Upstream } from './context.js';
import { randomToken } from './crypto.js';
import { legAuthenticationTime } from './reauthentication.js';
import { redirectTo } from './redirect.js';
import { resolveUser } from './resolve-user.js';
import { chainSessionEnd, extendChain } from './session-lifetime.js';
import { withTimeout } from './with-timeout.js';

/** Where a chain stands between two legs (docs/architecture.md#the-login-chain). */
export interface ChainState {
  sessionId: string;
  request: ClientAuthorizationRequest;
  userId?: string;
  skippedProviders: string[];
  /** The oldest upstream authentication time (epoch ms) of the legs done so far. */
  authTime?: number;
}

/** Starts a chain for a validated (and consented) request; the `tsid` is generated here, server-side (docs/architecture.md#session-id). */
export async function startChain(
  ctx: ServerContext,
  request: ClientAuthorizationRequest,
  res: Response,
  status: 302 | 303,
): Promise<void> {
  const sessionId = randomToken();
  bindChainToBrowser(ctx, res, sessionId);
  ctx.events.loginStarted();
  await continueChain(ctx, { sessionId, request, skippedProviders: [] }, res, status);
}

function legParameters(
  ctx: ServerContext,
  name: string,
  state: string,
  verifier: string,
  nonce: string,
  request: ClientAuthorizationRequest,
) {
  return {
    redirectUri: endpoint(ctx, `/oauth/callback/${name}`),
    state,
    codeVerifier: verifier,
    nonce,
    // OIDC Core §3.1.2.1: the client's prompt=login and max_age reach every upstream.
    ...(request.prompt === undefined ? {} : { prompt: request.prompt }),
    ...(request.maxAge === undefined ? {} : { maxAge: request.maxAge }),
  } satisfies UpstreamLegParameters;
}

function timeoutError(upstream: Upstream): () => Error {
  return () =>
    new UpstreamError(upstream.name, 'ERR_UPSTREAM_TIMEOUT', `no answer within ${upstream.timeoutMs} ms`);
}

/**
 * Sends the browser to the next leg: the first configured upstream without a token
 * for this session and not skipped; issues the code when none is left (docs/architecture.md#the-login-chain).
 */
export async function continueChain(
  ctx: ServerContext,
  state: ChainState,
  res: Response,
  status: 302 | 303,
): Promise<void> {
  const held = await ctx.storage.getAllUpstreamTokens(state.sessionId);
  for (const upstream of ctx.upstreams) {
    const name = upstream.name;
    if (Object.hasOwn(held, name) || state.skippedProviders.includes(name)) continue;
    const leg = legParameters(ctx, name, randomToken(), randomToken(), randomToken(), state.request);
    let url: URL;
    const tryingSince = ctx.now();
    try {
      url = await withTimeout(
        upstream.client.authorizationUrl(leg),
        upstream.timeoutMs + 1000,
        timeoutError(upstream),
      );
    } catch (error) {
      const outcome = upstream.optional ? 'skipped' : 'failed';
      ctx.events.legCompleted(name, outcome, ctx.now() - tryingSince);
      if (upstream.optional) {
        skip(ctx, state, upstream, error);
        continue;
      }
      await failChain(ctx, state, error, res, name);
      return;
    }
    const now = ctx.now();
    const pending: PendingLeg = {
      id: leg.state,
      kind: 'leg',
      sessionId: state.sessionId,
      providerName: name,
      codeVerifier: leg.codeVerifier,
      nonce: leg.nonce,
      request: state.request,
      skippedProviders: [...state.skippedProviders],
      createdAt: now,
      expiresAt: now + ctx.pendingLifetime * 1000,
      ...(state.userId === undefined ? {} : { userId: state.userId }),
      ...(state.authTime === undefined ? {} : { authTime: state.authTime }),
    };
    await ctx.storage.savePendingAuthorization(pending);
    ctx.logger.info(
      { event: 'chain.leg.start', provider: name, clientId: state.request.clientId },
      'upstream leg',
    );
    redirectTo(res, status, url.href);
    return;
  }
  await issueCode(ctx, state, res);
}

function skip(ctx: ServerContext, state: ChainState, upstream: Upstream, error: unknown): void {
  state.skippedProviders.push(upstream.name);
  ctx.logger.warn(
    { event: 'chain.leg.skipped', provider: upstream.name, ...describeError(error) },
    'optional upstream failed; skipped',
  );
}

/** Aborts the chain: deletes the session's upstream tokens and sends the client its error with `state` and `iss`. */
export async function failChain(
  ctx: ServerContext,
  state: ChainState,
  error: unknown,
  res: Response,
  provider: string | undefined,
): Promise<void> {
  const mapped = chainError(error);
  ctx.events.loginFailed(mapped.error);
  ctx.logger.warn(
    {
      event: 'chain.failed',
      provider,
      clientId: state.request.clientId,
      sent: mapped.error,
      ...describeError(error),
    },
    'authorization chain failed',
  );
  try {
    await ctx.storage.deleteUpstreamTokens(state.sessionId);
  } catch (cleanup) {
    ctx.logger.error(
      { event: 'chain.cleanup.failed', ...describeError(cleanup) },
      'could not delete upstream tokens',
    );
  }
  unbindChain(ctx, res, state.sessionId);
  redirectTo(res, 303, errorRedirectUrl(state.request.redirectUri, mapped, state.request.state, ctx.issuer));
}

/** Handles `/oauth/callback/:upstream` for a consumed pending leg. */
export async function completeLeg(
  ctx: ServerContext,
  pending: PendingLeg,
  pathProvider: string,
  req: Request,
  res: Response,
): Promise<void> {
  const state: ChainState = {
    sessionId: pending.sessionId,
    request: pending.request,
    skippedProviders: [...pending.skippedProviders],
    ...(pending.userId === undefined ? {} : { userId: pending.userId }),
    ...(pending.authTime === undefined ? {} : { authTime: pending.authTime }),
  };
  const upstream = ctx.upstreams.find((u) => u.name === pending.providerName);
  // IdP mix-up defence: the callback path must name the provider of this leg.
  if (upstream === undefined || pathProvider !== pending.providerName) {
    await failChain(
      ctx,
      state,
      new OAuthError('access_denied', 'the sign-in response came back on the wrong path', {
        detail: `callback on ${
          ctx.upstreams.some((u) => u.name === pathProvider) ? pathProvider : 'an unknown provider'
        } for a leg of ${pending.providerName}`,
      }),
      res,
      pending.providerName,
    );
    return;
  }
  if (!isChainBoundToBrowser(ctx, req, pending.sessionId)) {
    await failChain(
      ctx,
      state,
      new OAuthError('access_denied', 'the sign-in did not start in this browser', {
        detail: 'callback without the browser binding of its chain',
      }),
      res,
      pending.providerName,
    );
    return;
  }
  const name = upstream.name;
  const leg = legParameters(ctx, name, pending.id, pending.codeVerifier, pending.nonce, pending.request);
  const callbackUrl = new URL(leg.redirectUri);
  const original = req.originalUrl ?? req.url;
  const queryIndex = original.indexOf('?');
  callbackUrl.search = queryIndex === -1 ? '' : original.slice(queryIndex);
  let result: UpstreamAuthorization;
  let authTime: number;
  try {
    result = await withTimeout(
      upstream.client.completeAuthorization(callbackUrl, leg),
      upstream.timeoutMs + 1000,
      timeoutError(upstream),
    );
    // An upstream that did not honour prompt=login or max_age fails like any other leg.
    authTime = legAuthenticationTime(state.request, {
      provider: name,
      type: upstream.client.type,
      authTime: result.authTime,
      startedAt: pending.createdAt,
      completedAt: ctx.now(),
    });
  } catch (error) {
    ctx.events.legCompleted(name, upstream.optional ? 'skipped' : 'failed', ctx.now() - pending.createdAt);
    if (upstream.optional) {
      skip(ctx, state, upstream, error);
      await continueChain(ctx, state, res, 303);
      return;
    }
    await failChain(ctx, state, error, res, name);
    return;
  }
  let stored = false;
  try {
    const now = ctx.now();
    const chainEnd = chainSessionEnd(ctx, now);
    const userId = await resolveUser(ctx, state.userId, name, result.identity, chainEnd);
    // Provisional until the code is redeemed: gone at the chain's deadline if it never completes.
    const tokens: UpstreamTokens = {
      accessToken: result.tokens.accessToken,
      tokenType: result.tokens.tokenType,
      userId,
      upstreamSubject: result.identity.subject,
      clientId: state.request.clientId,
      sessionExpiresAt: chainEnd,
      provisional: true,
      obtainedAt: now,
      ...(result.tokens.refreshToken === undefined ? {} : { refreshToken: result.tokens.refreshToken }),
      ...(result.tokens.idToken === undefined ? {} : { idToken: result.tokens.idToken }),
      ...(result.tokens.expiresAt === undefined ? {} : { expiresAt: result.tokens.expiresAt }),
      ...(result.tokens.scope === undefined ? {} : { scope: result.tokens.scope }),
    };
    await ctx.storage.storeUpstreamTokens(state.sessionId, name, tokens);
    if (state.userId !== undefined) await extendChain(ctx, state.sessionId, userId, now);
    ctx.logger.info(
      { event: 'chain.leg.done', provider: name, clientId: state.request.clientId },
      'upstream leg done',
    );
    stored = true;
    ctx.events.legCompleted(name, 'completed', ctx.now() - pending.createdAt);
    state.userId = userId;
    // The oldest authentication of the session's legs: a client's max_age check holds for every upstream.
    state.authTime = Math.min(state.authTime ?? authTime, authTime);
    await continueChain(ctx, state, res, 303);
  } catch (error) {
    // Storing the leg's result failed: the leg failed too (a later leg's failure is its own).
    if (!stored) ctx.events.legCompleted(name, 'failed', ctx.now() - pending.createdAt);
    await failChain(ctx, state, error, res, name);
  }
}

/** All required upstreams hold a token: issue the code (RFC 6749 §4.1.2), `303` with `code`, `state`, `iss`. */
async function issueCode(ctx: ServerContext, state: ChainState, res: Response): Promise<void> {
  if (state.userId === undefined) {
    await failChain(ctx, state, new OAuthError('server_error', 'no upstream identity'), res, undefined);
    return;
  }
  const now = ctx.now();
  const code = randomToken();
  const { request } = state;
  await ctx.storage.saveAuthorizationCode(code, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: 'S256',
    scope: request.scope,
    resource: request.resource,
    userId: state.userId,
    sessionId: state.sessionId,
    // URL-safe (base64url, no '.'): refresh tokens are `<grantId>.<secret>`.
    grantId: randomToken(16),
    authTime: state.authTime ?? now,
    expiresAt: now + ctx.lifetimes.authorizationCode * 1000,
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
  });
  ctx.logger.info(
    { event: 'chain.complete', clientId: request.clientId, skipped: state.skippedProviders },
    'authorization code issued',
  );
  ctx.events.loginCompleted();
  unbindChain(ctx, res, state.sessionId);
  redirectTo(
    res,
    303,
    clientRedirectUrl(request.redirectUri, { code, state: request.state, iss: ctx.issuer }),
  );
}
