import type { OAuthClient, TokenEndpointAuthMethod } from '@auth/storage';
import type { Request, Response } from 'express';
import { OAuthError } from '../../oauth-error.js';
import { bearerError, bearerTokenOf } from '../bearer-request.js';
import { parseClientMetadata } from '../client-metadata.js';
import type { ServerContext } from '../context.js';
import { hmac, randomToken, safeEqual } from '../crypto.js';

const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'none',
  'client_secret_basic',
  'client_secret_post',
];

/**
 * RFC 7591 §3: with an initial access token configured, only a request bearing it (RFC 6750 §2.1)
 * may register; otherwise 401 `invalid_token` with a Bearer challenge. Compared as digests, in
 * constant time.
 */
function checkInitialAccessToken(ctx: ServerContext, req: Request): void {
  const expected = ctx.registrationRules.initialAccessToken;
  if (expected === undefined) return;
  const presented = bearerTokenOf(req);
  if (
    presented === undefined ||
    !safeEqual(hmac(ctx.cookieSecret, presented), hmac(ctx.cookieSecret, expected))
  )
    throw bearerError('invalid_token', 'registration requires a valid initial access token');
}

/** `POST /oauth/register`: RFC 7591 dynamic client registration. */
export function registerHandler(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    checkInitialAccessToken(ctx, req);
    if (!req.is('application/json'))
      throw new OAuthError('invalid_request', 'the body must be application/json');
    const { redirectUris, authMethod, grantTypes, scope, kept } = parseClientMetadata(req.body, {
      scopesSupported: ctx.scopesSupported,
      authMethods: AUTH_METHODS,
      defaultAuthMethod: 'client_secret_basic',
      idTokenAlgorithms: [...ctx.keys.idTokenKeys.keys()],
      maxRedirectUris: ctx.registrationRules.maxRedirectUris,
    });

    const now = ctx.now();
    const clientId = randomToken(16);
    const clientSecret = authMethod === 'none' ? undefined : randomToken();
    const client: OAuthClient = {
      clientId,
      redirectUris,
      grantTypes,
      responseTypes: ['code'],
      tokenEndpointAuthMethod: authMethod,
      createdAt: now,
      metadata: kept,
      ...(clientSecret === undefined ? {} : { clientSecret, hasSecret: true }),
      ...(kept['client_name'] === undefined ? {} : { clientName: kept['client_name'] }),
      ...(scope === undefined ? {} : { scope }),
    };
    // An unused registration expires; each token issued to the client extends it (token.ts).
    await ctx.storage.saveClient(client, { lifetimeSeconds: ctx.registrationRules.unusedClientLifetime });
    ctx.logger.info({ event: 'client.registered', clientId, method: authMethod }, 'client registered');
    res.status(201).json({
      client_id: clientId,
      ...(clientSecret === undefined ? {} : { client_secret: clientSecret, client_secret_expires_at: 0 }),
      client_id_issued_at: Math.floor(now / 1000),
      redirect_uris: client.redirectUris,
      grant_types: client.grantTypes,
      response_types: client.responseTypes,
      token_endpoint_auth_method: authMethod,
      ...(client.scope === undefined ? {} : { scope: client.scope }),
      ...kept,
    });
  };
}
