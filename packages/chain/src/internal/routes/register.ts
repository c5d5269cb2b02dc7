import type { OAuthClient, TokenEndpointAuthMethod } from '@auth/storage';
import type { Request, Response } from 'express';
import { OAuthError } from '../../oauth-error.js';
import { parseClientMetadata } from '../client-metadata.js';
import type { ServerContext } from '../context.js';
import { randomToken } from '../crypto.js';

const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'none',
  'client_secret_basic',
  'client_secret_post',
];

/** `POST /oauth/register`: RFC 7591 dynamic client registration. */
export function registerHandler(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    if (!req.is('application/json'))
      throw new OAuthError('invalid_request', 'the body must be application/json');
    const { redirectUris, authMethod, grantTypes, scope, kept } = parseClientMetadata(req.body, {
      scopesSupported: ctx.scopesSupported,
      authMethods: AUTH_METHODS,
      defaultAuthMethod: 'client_secret_basic',
      idTokenAlgorithms: [...ctx.keys.idTokenKeys.keys()],
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
    await ctx.storage.saveClient(client);
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
