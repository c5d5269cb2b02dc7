import type { OAuthClient, TokenEndpointAuthMethod } from '@auth/storage';
import type { Request } from 'express';
import { OAuthError } from '../oauth-error.js';
import { checkLimit, consumeLimit } from './abuse-limits.js';
import type { ServerContext } from './context.js';
import { findClient } from './find-client.js';
import type { Params } from './params.js';

export interface ClientAuthenticationOptions {
  /** Whether public clients (`none`) are accepted (token and revocation yes, introspection no). */
  allowPublic: boolean;
}

const MAX_CLIENT_ID_LENGTH = 256;
const MAX_CLIENT_SECRET_LENGTH = 1024;

function decodeBasicPart(value: string): string | undefined {
  try {
    // RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding.
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * Authenticates the client of a token, revocation or introspection request
 * (RFC 6749 §2.3.1): `client_secret_basic`, `client_secret_post`, or `none` for
 * public clients. The method used must be the one the client registered.
 * RFC 6819 §5.1.4.2.3 / RFC 9700 §4.16: failures are throttled per client address and per
 * confidential `client_id`; past either limit the request is refused (429) before any secret is checked.
 */
export async function authenticateClient(
  ctx: ServerContext,
  req: Request,
  params: Params,
  options: ClientAuthenticationOptions,
): Promise<OAuthClient> {
  const address = ctx.clientAddress(req);
  await checkLimit(ctx, 'client_auth_address', address);
  const attempt: { knownClient?: string } = {};
  try {
    return await authenticate(ctx, req, params, options, attempt);
  } catch (error) {
    if (error instanceof OAuthError && error.error === 'invalid_client') {
      await consumeLimit(ctx, 'client_auth_address', address).catch(() => undefined);
      if (attempt.knownClient !== undefined)
        await consumeLimit(ctx, 'client_auth_client', attempt.knownClient).catch(() => undefined);
    }
    throw error;
  }
}

async function authenticate(
  ctx: ServerContext,
  req: Request,
  params: Params,
  options: ClientAuthenticationOptions,
  attempt: { knownClient?: string },
): Promise<OAuthClient> {
  const header = req.headers.authorization;
  const bodyClientId = params.optional('client_id', MAX_CLIENT_ID_LENGTH);
  const bodySecret = params.optional('client_secret', MAX_CLIENT_SECRET_LENGTH);
  let method: TokenEndpointAuthMethod;
  let clientId: string | undefined;
  let secret: string | undefined;
  const basic = typeof header === 'string' && /^basic /i.test(header);
  // RFC 6749 §5.2 / RFC 9110 §15.5.2: every 401 carries a challenge, Basic (the one HTTP scheme the
  // endpoint takes) whichever way the client tried to authenticate.
  const fail = (detail: string) =>
    new OAuthError('invalid_client', 'client authentication failed', {
      detail,
      wwwAuthenticate: 'Basic realm="oauth", charset="UTF-8"',
    });

  if (header !== undefined && !basic) throw fail('unsupported Authorization scheme');
  if (basic) {
    if (bodySecret !== undefined)
      throw new OAuthError('invalid_request', 'only one client authentication method may be used');
    const encoded = header.slice(6).trim();
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const index = decoded.indexOf(':');
    if (index === -1 || encoded.length > 4096) throw fail('malformed Basic credentials');
    clientId = decodeBasicPart(decoded.slice(0, index));
    secret = decodeBasicPart(decoded.slice(index + 1));
    if (clientId === undefined || secret === undefined || clientId === '')
      throw fail('malformed Basic credentials');
    // The same bounds as the body parameters: storage refuses over-long ids (a 500 otherwise).
    if (clientId.length > MAX_CLIENT_ID_LENGTH || secret.length > MAX_CLIENT_SECRET_LENGTH)
      throw fail('Basic credentials too long');
    if (bodyClientId !== undefined && bodyClientId !== clientId)
      throw new OAuthError('invalid_request', 'client_id does not match the authenticated client');
    method = 'client_secret_basic';
  } else if (bodySecret !== undefined) {
    clientId = bodyClientId;
    secret = bodySecret;
    method = 'client_secret_post';
  } else {
    clientId = bodyClientId;
    method = 'none';
  }
  if (clientId === undefined) throw fail('no client identification');

  const lookup = await findClient(ctx, clientId);
  if (!lookup.found) throw fail(lookup.problem);
  const { client } = lookup;
  if (client.tokenEndpointAuthMethod === 'none') {
    if (!options.allowPublic) throw fail('public clients cannot use this endpoint');
    if (method !== 'none') throw fail('a public client must not authenticate with a secret');
    return client;
  }
  // A public client has no secret to guess: only confidential ones are throttled by client_id.
  attempt.knownClient = client.clientId;
  await checkLimit(ctx, 'client_auth_client', client.clientId);
  if (method !== client.tokenEndpointAuthMethod) throw fail(`expected ${client.tokenEndpointAuthMethod}`);
  if (secret === undefined || !(await ctx.storage.verifyClientSecret(client.clientId, secret)))
    throw fail('wrong client secret');
  return client;
}
