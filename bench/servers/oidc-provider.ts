/**
 * Scenario 3's reference: node-oidc-provider with its own development login form and consent
 * page, its default in-memory adapter, one public client (PKCE S256) and an ES256 signing key,
 * so its ID token costs what the gateway's ES256 access token costs.
 * Usage: oidc-provider.ts <client id> <redirect URI>
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { serve } from './serve.js';

const [clientId, redirectUri] = process.argv.slice(2);
if (!clientId || !redirectUri) throw new Error('usage: oidc-provider.ts <client id> <redirect URI>');

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'bench', alg: 'ES256', use: 'sig' };

const server = createServer();
// The issuer must carry the real port: listen first, then attach the provider before announcing.
await serve('oidc-provider', server, async (url) => {
  const provider = new Provider(url, {
    clients: [
      {
        client_id: clientId,
        token_endpoint_auth_method: 'none',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  });
  server.on('request', provider.callback());
});
