import type { OAuthClient, TokenEndpointAuthMethod } from '@auth/storage';
import type { Request, Response } from 'express';
import { OAuthError } from '../../oauth-error.js';
import type { ServerContext } from '../context.js';
import { randomToken } from '../crypto.js';
import { redirectUriProblem } from '../redirect-uri.js';
import { isScopeToken, parseScope } from '../scopes.js';

const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'none',
  'client_secret_basic',
  'client_secret_post',
];
const GRANT_TYPES = ['authorization_code', 'refresh_token'];
const STRING_METADATA = [
  'client_name',
  'client_uri',
  'logo_uri',
  'tos_uri',
  'policy_uri',
  'software_id',
  'software_version',
];

function metadataError(description: string): OAuthError {
  return new OAuthError('invalid_client_metadata', description);
}

function stringArray(value: unknown, field: string, maxItems: number): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > maxItems || value.some((item) => typeof item !== 'string'))
    throw metadataError(`${field} must be an array of at most ${maxItems} strings`);
  return value as string[];
}

/** `POST /oauth/register`: RFC 7591 dynamic client registration. */
export function registerHandler(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    if (!req.is('application/json'))
      throw new OAuthError('invalid_request', 'the body must be application/json');
    const body: unknown = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw metadataError('the body must be a JSON object');
    const metadata = body as Record<string, unknown>;

    const redirectUris = stringArray(metadata['redirect_uris'], 'redirect_uris', 20);
    if (redirectUris === undefined || redirectUris.length === 0)
      throw new OAuthError('invalid_redirect_uri', 'redirect_uris is required');
    for (const uri of redirectUris) {
      const problem = redirectUriProblem(uri);
      if (problem !== undefined) throw new OAuthError('invalid_redirect_uri', problem);
    }

    const method = metadata['token_endpoint_auth_method'] ?? 'client_secret_basic';
    if (typeof method !== 'string' || !AUTH_METHODS.includes(method as TokenEndpointAuthMethod))
      throw metadataError(
        'token_endpoint_auth_method must be none, client_secret_basic or client_secret_post',
      );
    const authMethod = method as TokenEndpointAuthMethod;

    const grantTypes = stringArray(metadata['grant_types'], 'grant_types', 5) ?? ['authorization_code'];
    if (grantTypes.length === 0 || grantTypes.some((g) => !GRANT_TYPES.includes(g)))
      throw metadataError('grant_types may hold only authorization_code and refresh_token');
    if (!grantTypes.includes('authorization_code'))
      throw metadataError('grant_types must include authorization_code');
    const responseTypes = stringArray(metadata['response_types'], 'response_types', 5) ?? ['code'];
    if (responseTypes.length === 0 || responseTypes.some((r) => r !== 'code'))
      throw metadataError('response_types may hold only code');

    const scopeValue = metadata['scope'];
    if (scopeValue !== undefined && (typeof scopeValue !== 'string' || scopeValue.length > 2048))
      throw metadataError('scope must be a string');
    const scopes = parseScope(scopeValue);
    if (scopes.some((s) => !isScopeToken(s) || !ctx.scopesSupported.includes(s)))
      throw metadataError('scope holds an unsupported scope');

    const kept: Record<string, unknown> = {};
    for (const field of STRING_METADATA) {
      const value = metadata[field];
      if (value === undefined) continue;
      if (typeof value !== 'string' || value.length > 512)
        throw metadataError(`${field} must be a short string`);
      kept[field] = value;
    }

    const now = ctx.now();
    const clientId = randomToken(16);
    const clientSecret = authMethod === 'none' ? undefined : randomToken();
    const client: OAuthClient = {
      clientId,
      redirectUris: [...new Set(redirectUris)],
      grantTypes: [...new Set(grantTypes)],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: authMethod,
      createdAt: now,
      metadata: kept,
      ...(clientSecret === undefined ? {} : { clientSecret, hasSecret: true }),
      ...(typeof kept['client_name'] === 'string' ? { clientName: kept['client_name'] } : {}),
      ...(scopeValue === undefined ? {} : { scope: scopes.join(' ') }),
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
