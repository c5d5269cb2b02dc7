import type { Grant, OAuthClient } from '@auth/storage';
import type { Request, Response } from 'express';
import type { SigningAlgorithm } from '../../authorization-server-options.js';
import { OAuthError } from '../../oauth-error.js';
import { authenticateClient } from '../client-authentication.js';
import type { ServerContext } from '../context.js';
import { randomToken, s256, safeEqual } from '../crypto.js';
import { type Params, requiredFormParams } from '../params.js';
import { canonicalResources } from '../resource-uri.js';
import { parseScope } from '../scopes.js';
import { extendSessionToGrant, grantEnd } from '../session-lifetime.js';
import { lostRequiredUpstream } from '../session-liveness.js';

const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const REPLAY_MARKER_TTL_MS = 120_000;

/**
 * A refresh token: `<grantId>.<secret>` (the `GrantStore` format). The grant id routes the token
 * to its grant in storage (on a Redis Cluster, to the grant's slot); the secret carries 256 bits
 * of randomness. Grant ids are base64url, so they hold no `.`.
 */
function newRefreshToken(grantId: string): string {
  return `${grantId}.${randomToken()}`;
}

function noStore(res: Response): void {
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

/** `POST /oauth/token` (RFC 6749 §3.2): `authorization_code` and `refresh_token`. */
export function tokenHandler(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    noStore(res);
    const params = requiredFormParams(req);
    const grantType = params.required('grant_type', 64);
    const client = await authenticateClient(ctx, req, params, { allowPublic: true });
    if (grantType === 'authorization_code') {
      res.json(await authorizationCodeGrant(ctx, client, params));
      return;
    }
    if (grantType === 'refresh_token') {
      res.json(await refreshTokenGrant(ctx, client, params));
      return;
    }
    throw new OAuthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  };
}

interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
}

/** RFC 8707 §2.2: resources at the token endpoint may only narrow what was granted. */
function resourcesAllowed(
  ctx: ServerContext,
  requested: readonly string[],
  granted: readonly string[],
): boolean {
  const allowed = granted.length > 0 ? granted : ctx.resources;
  return requested.every((r) => allowed.includes(r));
}

function refreshAllowed(client: OAuthClient, scope: readonly string[]): boolean {
  return scope.includes('offline_access') && client.grantTypes.includes('refresh_token');
}

async function revokeGrantAndSession(ctx: ServerContext, grantId: string, sessionId: string, reason: string) {
  await ctx.storage.revokeGrant(grantId);
  await ctx.storage.deleteUpstreamTokens(sessionId);
  ctx.logger.warn({ event: 'grant.revoked', reason }, 'grant revoked and upstream tokens deleted');
}

/** RFC 6749 §4.1.3 with RFC 7636 §4.6 (PKCE) and RFC 8707 (resource bound to the code). */
async function authorizationCodeGrant(
  ctx: ServerContext,
  client: OAuthClient,
  params: Params,
): Promise<TokenResponse> {
  const code = params.required('code', 512);
  const redirectUri = params.optional('redirect_uri', 2048);
  const verifier = params.optional('code_verifier', 256);
  const resource = canonicalResources(ctx.resources, params.all('resource', 2048));
  const result = await ctx.storage.consumeAuthorizationCode(code);
  if (result.status === 'unknown') throw new OAuthError('invalid_grant', 'the authorization code is invalid');
  const record = result.record;
  if (result.status === 'reused') {
    // RFC 6749 §4.1.2: a code used twice revokes what its first use issued.
    await ctx.storage.tryAcquireLock(`code-replay:${record.grantId}`, REPLAY_MARKER_TTL_MS);
    await revokeGrantAndSession(ctx, record.grantId, record.sessionId, 'authorization code reused');
    throw new OAuthError('invalid_grant', 'the authorization code is invalid', { detail: 'code reused' });
  }
  const problem =
    record.expiresAt <= ctx.now()
      ? 'code expired'
      : record.clientId !== client.clientId
        ? 'code issued to another client'
        : redirectUri !== record.redirectUri
          ? 'redirect_uri differs from the authorization request'
          : verifier === undefined || !CODE_VERIFIER.test(verifier)
            ? 'code_verifier missing or malformed'
            : !safeEqual(s256(verifier), record.codeChallenge)
              ? 'PKCE verification failed'
              : !resourcesAllowed(ctx, resource, record.resource)
                ? 'resource not bound to the code'
                : undefined;
  if (problem !== undefined) {
    await ctx.storage.deleteUpstreamTokens(record.sessionId);
    if (problem === 'resource not bound to the code')
      throw new OAuthError('invalid_target', 'the resource was not granted', { detail: problem });
    throw new OAuthError('invalid_grant', 'the authorization code is invalid', { detail: problem });
  }
  const now = ctx.now();
  const withRefresh = refreshAllowed(client, record.scope);
  const grant: Grant = {
    grantId: record.grantId,
    clientId: record.clientId,
    userId: record.userId,
    sessionId: record.sessionId,
    scope: record.scope,
    resource: record.resource,
    authTime: record.authTime,
    createdAt: now,
    expiresAt: grantEnd(ctx, now, withRefresh),
  };
  const refreshToken = withRefresh ? newRefreshToken(grant.grantId) : undefined;
  await ctx.storage.saveGrant(grant, refreshToken);
  await extendSessionToGrant(ctx, grant);
  // A concurrent replay may have revoked the grant before it was saved: the replay marker
  // tells, and the grant is revoked again so it cannot survive (RFC 9700 §4.14 spirit).
  const marker = await ctx.storage.tryAcquireLock(`code-replay:${record.grantId}`, REPLAY_MARKER_TTL_MS);
  if (marker === undefined)
    await revokeGrantAndSession(
      ctx,
      record.grantId,
      record.sessionId,
      'authorization code reused concurrently',
    );
  const response = await tokenResponse(
    ctx,
    client,
    grant,
    record.scope,
    refreshToken,
    record.nonce,
    resource,
  );
  ctx.logger.info(
    { event: 'token.issued', grant: 'authorization_code', clientId: client.clientId },
    'tokens issued',
  );
  return response;
}

/**
 * The client's registered `id_token_signed_response_alg` (OIDC Registration §2) while the server
 * still offers it; after a key change that dropped it, the signing key's (logged).
 */
function idTokenAlg(ctx: ServerContext, client: OAuthClient): SigningAlgorithm | undefined {
  const registered = client.metadata?.['id_token_signed_response_alg'];
  if (registered === undefined) return undefined;
  if (ctx.keys.idTokenKeys.has(registered as SigningAlgorithm)) return registered as SigningAlgorithm;
  ctx.logger.warn(
    { event: 'id_token.alg_unavailable', clientId: client.clientId, alg: String(registered) },
    'the client registered an ID token algorithm no key signs any more: using the signing key',
  );
  return undefined;
}

async function tokenResponse(
  ctx: ServerContext,
  client: OAuthClient,
  grant: Grant,
  scope: readonly string[],
  refreshToken: string | undefined,
  nonce: string | undefined,
  resource: readonly string[],
): Promise<TokenResponse> {
  // A registration in use does not expire: kept as long as the refresh tokens issued now live.
  if (client.static !== true)
    await ctx.storage.touchClient(
      client.clientId,
      Math.max(ctx.registrationRules.unusedClientLifetime, ctx.lifetimes.refreshToken),
    );
  const access = await ctx.tokens.issueAccessToken({
    userId: grant.userId,
    clientId: grant.clientId,
    scope,
    resource: resource.length > 0 ? resource : grant.resource,
    sessionId: grant.sessionId,
    authTime: grant.authTime,
  });
  const response: TokenResponse = {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: access.expiresIn,
  };
  if (scope.length > 0) response.scope = scope.join(' ');
  if (refreshToken !== undefined) response.refresh_token = refreshToken;
  if (scope.includes('openid')) {
    const alg = idTokenAlg(ctx, client);
    response.id_token = await ctx.tokens.issueIdToken({
      user: await ctx.storage.getUser(grant.userId),
      userId: grant.userId,
      clientId: grant.clientId,
      scope,
      authTime: grant.authTime,
      ...(nonce === undefined ? {} : { nonce }),
      ...(alg === undefined ? {} : { alg }),
    });
  }
  return response;
}

/** RFC 6749 §6 with rotation and reuse detection (RFC 9700 §4.14.2). */
async function refreshTokenGrant(
  ctx: ServerContext,
  client: OAuthClient,
  params: Params,
): Promise<TokenResponse> {
  const presented = params.required('refresh_token', 512);
  const requestedScope = params.optional('scope', 2048);
  const resource = canonicalResources(ctx.resources, params.all('resource', 2048));
  if (!client.grantTypes.includes('refresh_token'))
    throw new OAuthError('unauthorized_client', 'the client may not use refresh tokens');
  const invalid = (detail: string) =>
    new OAuthError('invalid_grant', 'the refresh token is invalid', { detail });
  const found = await ctx.storage.findGrantByRefreshToken(presented);
  if (found === undefined) throw invalid('unknown refresh token');
  if (found.clientId !== client.clientId) throw invalid('refresh token of another client');
  const scope = requestedScope === undefined ? found.scope : parseScope(requestedScope);
  if (scope.some((s) => !found.scope.includes(s)))
    throw new OAuthError('invalid_scope', 'the requested scope exceeds the grant');
  if (!resourcesAllowed(ctx, resource, found.resource))
    throw new OAuthError('invalid_target', 'the resource was not granted');
  const next = newRefreshToken(found.grantId);
  const result = await ctx.storage.rotateRefreshToken(presented, next);
  if (result.status === 'invalid') throw invalid('refresh token not current');
  if (result.status === 'reused') {
    // The store revoked the grant in the same operation; the session's upstream tokens go too.
    await ctx.storage.deleteUpstreamTokens(result.grant.sessionId);
    ctx.logger.warn(
      { event: 'grant.revoked', reason: 'refresh token reused' },
      'refresh token reuse: grant revoked',
    );
    throw invalid('refresh token reused');
  }
  if (result.grant.expiresAt <= ctx.now()) {
    await ctx.storage.revokeGrant(result.grant.grantId);
    throw invalid('grant expired');
  }
  // A grant lives only as long as its session can serve: new JWTs for a session that lost a
  // required upstream would only meet 401s at the routes, and the client would refresh in a loop.
  // RFC 6749 §5.2: invalid_grant sends the client to a new authorization (a new session).
  const lost = await lostRequiredUpstream(ctx, result.grant.sessionId);
  if (lost !== undefined) {
    await revokeGrantAndSession(
      ctx,
      result.grant.grantId,
      result.grant.sessionId,
      `the session holds no usable ${lost} tokens`,
    );
    throw new OAuthError('invalid_grant', 'the session has ended; a new authorization is required', {
      detail: `session lost upstream ${lost}`,
    });
  }
  const response = await tokenResponse(ctx, client, result.grant, scope, next, undefined, resource);
  ctx.logger.info(
    { event: 'token.issued', grant: 'refresh_token', clientId: client.clientId },
    'tokens refreshed',
  );
  return response;
}
