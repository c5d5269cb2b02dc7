import * as oauth from 'oauth4webapi';

/** oauth4webapi talks plain http to the loopback servers of the tests. */
export const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** RFC 8414 discovery with oauth4webapi (checks `issuer`). */
export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  return oauth.processDiscoveryResponse(
    url,
    await oauth.discoveryRequest(url, { ...insecure, algorithm: 'oauth2' }),
  );
}

/** RFC 7591 registration; the local client expects ES256 ID tokens by default. */
export async function register(
  as: oauth.AuthorizationServer,
  metadata: Record<string, unknown>,
  idTokenAlg = 'ES256',
): Promise<oauth.Client & { client_secret?: string }> {
  const response = await oauth.dynamicClientRegistrationRequest(
    as,
    metadata as Partial<oauth.OmitSymbolProperties<oauth.Client>>,
    insecure,
  );
  const client = await oauth.processDynamicClientRegistrationResponse(response);
  return { ...client, id_token_signed_response_alg: idTokenAlg } as oauth.Client & { client_secret?: string };
}

/** An authorization request URL and the values the client keeps to check its answer. */
export interface AuthorizationRequest {
  url: URL;
  state: string;
  verifier: string;
  nonce: string;
  redirectUri: string;
}

/** Builds an authorization request with PKCE S256 (RFC 7636), state and nonce; `params` override or add. */
export async function authorizationRequest(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  redirectUri: string,
  params: Record<string, string | string[]> = {},
): Promise<AuthorizationRequest> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint!);
  url.searchParams.set('client_id', client.client_id);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  for (const [name, value] of Object.entries(params)) {
    url.searchParams.delete(name);
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, item);
  }
  return { url, state, verifier, nonce, redirectUri };
}

/** The client authentication its registration chose (RFC 7591 `token_endpoint_auth_method`). */
export function clientAuth(client: oauth.Client & { client_secret?: string }): oauth.ClientAuth {
  if (client.token_endpoint_auth_method === 'client_secret_post')
    return oauth.ClientSecretPost(client.client_secret!);
  if (client.token_endpoint_auth_method === 'none') return oauth.None();
  return oauth.ClientSecretBasic(client.client_secret!);
}

/** Validates the callback (state, iss per RFC 9207) and redeems the code with PKCE. */
export async function redeem(
  as: oauth.AuthorizationServer,
  client: oauth.Client & { client_secret?: string },
  callback: URL,
  request: AuthorizationRequest,
  resource?: string,
): Promise<oauth.TokenEndpointResponse> {
  const params = oauth.validateAuthResponse(as, client, callback, request.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    clientAuth(client),
    params,
    request.redirectUri,
    request.verifier,
    { ...insecure, ...(resource === undefined ? {} : { additionalParameters: { resource } }) },
  );
  const openid = (request.url.searchParams.get('scope') ?? '').split(' ').includes('openid');
  return oauth.processAuthorizationCodeResponse(
    as,
    client,
    response,
    openid ? { expectedNonce: request.nonce, requireIdToken: true } : {},
  );
}

/** A refresh-token grant (RFC 6749 §6); the raw response, for tests of its errors. */
export async function refresh(
  as: oauth.AuthorizationServer,
  client: oauth.Client & { client_secret?: string },
  refreshToken: string,
): Promise<Response> {
  return oauth.refreshTokenGrantRequest(as, client, clientAuth(client), refreshToken, insecure);
}
