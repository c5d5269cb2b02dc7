import type { StaticClient } from '../authorization-server-options.js';
import { ChainOptionsError } from '../chain-options-error.js';
import type { ServerContext } from './context.js';
import { displayTextProblem } from './display-metadata.js';
import { redirectUriProblem } from './redirect-uri.js';

/** Saves the pre-registered clients to storage at start (static clients: never evicted). */
export async function saveStaticClients(
  ctx: Pick<ServerContext, 'storage' | 'now' | 'keys'>,
  clients: readonly StaticClient[],
): Promise<void> {
  for (const client of clients) {
    const nameProblem =
      client.clientName === undefined ? undefined : displayTextProblem('clientName', client.clientName);
    if (nameProblem !== undefined)
      throw new ChainOptionsError('ERR_CHAIN_INVALID_OPTION', `client ${client.clientId}: ${nameProblem}`);
    const alg = client.idTokenSignedResponseAlg;
    if (alg !== undefined && !ctx.keys.idTokenKeys.has(alg))
      throw new ChainOptionsError(
        'ERR_CHAIN_INVALID_OPTION',
        `client ${client.clientId}: idTokenSignedResponseAlg must be one of ${[...ctx.keys.idTokenKeys.keys()].join(', ')}`,
      );
    for (const uri of client.redirectUris) {
      const problem = redirectUriProblem(uri);
      if (problem !== undefined)
        throw new ChainOptionsError('ERR_CHAIN_INVALID_OPTION', `client ${client.clientId}: ${problem}`);
    }
    await ctx.storage.saveClient({
      clientId: client.clientId,
      redirectUris: [...client.redirectUris],
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: client.clientSecret === undefined ? 'none' : 'client_secret_basic',
      trusted: client.trusted ?? false,
      static: true,
      createdAt: ctx.now(),
      ...(client.clientSecret === undefined ? {} : { clientSecret: client.clientSecret, hasSecret: true }),
      ...(client.clientName === undefined ? {} : { clientName: client.clientName }),
      ...(client.scopes === undefined ? {} : { scope: client.scopes.join(' ') }),
      ...(alg === undefined ? {} : { metadata: { id_token_signed_response_alg: alg } }),
    });
  }
}
