import { Browser, completeLogin } from '@auth/test-kit';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from './support/process.js';
import { MOCK_IDP_TOKEN, SecretsSeen } from './support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from './support/stack.js';

/**
 * Issue 6 "It must show" 5: one login through both upstreams with
 * oauth4webapi as the client, against the gateway CLI, two mock IdP CLIs (corp OIDC,
 * GitHub-shaped OAuth 2.0) and two echo backends.
 */
describe('two-upstream login with oauth4webapi against spawned processes', () => {
  let stack: Stack;
  const secrets = new SecretsSeen();
  const redirectUri = 'http://127.0.0.1:53682/callback';
  const insecure = { [oauth.allowInsecureRequests]: true } as const;

  let as: oauth.AuthorizationServer;
  let client: oauth.Client;
  let clientAuth: oauth.ClientAuth;
  let tokens: oauth.TokenEndpointResponse;
  const browser = new Browser();

  beforeAll(async () => {
    stack = await startStack({ logLevel: 'debug' });
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
  });
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  it('discovers the AS from the protected resource, registers, and logs in through consent, corp and github', async () => {
    // RFC 9728: the resource names its authorization server.
    const resource = new URL(`${stack.issuer}/mcp/corp`);
    const rs = await oauth.processResourceDiscoveryResponse(
      resource,
      await oauth.resourceDiscoveryRequest(resource, insecure),
    );
    expect(rs.authorization_servers).toEqual([stack.issuer]);
    const issuer = new URL(rs.authorization_servers![0]!);

    // RFC 8414 discovery.
    as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
    );
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);

    // RFC 7591 dynamic registration of a confidential client.
    client = (await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(
        as,
        {
          client_name: 'e2e oauth4webapi',
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code', 'refresh_token'],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: 'openid profile offline_access',
        },
        insecure,
      ),
    )) as oauth.Client;
    expect(client.client_id).toEqual(expect.any(String));
    expect(client.client_secret).toEqual(expect.any(String));
    secrets.add('registered client_secret', client.client_secret);
    clientAuth = oauth.ClientSecretBasic(String(client.client_secret));

    // Authorization request: PKCE S256, both routes as RFC 8707 resources.
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const authorize = new URL(as.authorization_endpoint!);
    authorize.searchParams.set('response_type', 'code');
    authorize.searchParams.set('client_id', client.client_id);
    authorize.searchParams.set('redirect_uri', redirectUri);
    authorize.searchParams.set('scope', 'openid profile offline_access');
    authorize.searchParams.set('state', state);
    authorize.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
    authorize.searchParams.set('code_challenge_method', 'S256');
    authorize.searchParams.append('resource', `${stack.issuer}/mcp/corp`);
    authorize.searchParams.append('resource', `${stack.issuer}/mcp/github`);

    const login = await completeLogin(browser, authorize.href, { redirectUri, username: 'alice' });

    // A dynamically registered client is not trusted: consent first, then corp's form, then github's.
    expect(login.pages.map((p) => p.kind)).toEqual(['consent', 'login', 'login']);
    expect(login.pages[1]!.url.startsWith(`${stack.corp.url}/authorize`)).toBe(true);
    expect(login.pages[2]!.url.startsWith(`${stack.github.url}/login/oauth/authorize`)).toBe(true);
    // The consent form set a CSRF cookie that had to travel with the POST.
    const consentPost = browser.hops.find((h) => h.method === 'POST' && h.url.endsWith('/oauth/consent'));
    expect(consentPost?.status).toBe(303);
    expect(consentPost?.location?.startsWith(`${stack.corp.url}/authorize`)).toBe(true);
    // Each IdP answers its form POST with a 303 back to the gateway's callback for that leg.
    const corpPost = browser.hops.find((h) => h.method === 'POST' && h.url.startsWith(stack.corp.url));
    expect(corpPost?.status).toBe(303);
    expect(corpPost?.location?.startsWith(`${stack.issuer}/oauth/callback/corp?`)).toBe(true);
    const githubPost = browser.hops.find((h) => h.method === 'POST' && h.url.startsWith(stack.github.url));
    expect(githubPost?.status).toBe(303);
    expect(githubPost?.location?.startsWith(`${stack.issuer}/oauth/callback/github?`)).toBe(true);
    // The corp leg's callback sends the browser on to github; the github leg's callback to the client (303, docs/architecture.md#the-login-chain).
    const corpCallback = browser.hops.find((h) => h.url.startsWith(`${stack.issuer}/oauth/callback/corp`));
    expect(corpCallback?.location?.startsWith(`${stack.github.url}/login/oauth/authorize`)).toBe(true);
    const githubCallback = browser.hops.find((h) =>
      h.url.startsWith(`${stack.issuer}/oauth/callback/github`),
    );
    expect(githubCallback?.status).toBe(303);
    expect(githubCallback?.location?.startsWith(redirectUri)).toBe(true);
    for (const hop of browser.hops) {
      if (!hop.location) continue;
      const code = new URL(hop.location).searchParams.get('code');
      if (code) secrets.add(`code via ${new URL(hop.location).pathname}`, code);
    }

    // RFC 9207: validateAuthResponse checks state and iss.
    const params = oauth.validateAuthResponse(as, client, login.callback, state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      redirectUri,
      verifier,
      insecure,
    );
    tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { requireIdToken: true });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    secrets.add('gateway access_token', tokens.access_token);
    secrets.add('gateway refresh_token', tokens.refresh_token);
    secrets.add('gateway id_token', tokens.id_token);
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    expect(claims?.iss).toBe(stack.issuer);
    expect(claims?.aud).toBe(client.client_id);

    // The client never sees an upstream token, neither in the token response nor inside the JWT.
    expect(JSON.stringify(tokens)).not.toMatch(MOCK_IDP_TOKEN);
    const [, payload = ''] = tokens.access_token.split('.');
    const accessClaims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(accessClaims)).not.toMatch(MOCK_IDP_TOKEN);
    expect(accessClaims['iss']).toBe(stack.issuer);
    // Both routes, and the issuer since openid was granted (userinfo, RFC 9068 §4).
    expect([...(accessClaims['aud'] as string[])].sort()).toEqual(
      [stack.issuer, `${stack.issuer}/mcp/corp`, `${stack.issuer}/mcp/github`].sort(),
    );
    expect(accessClaims['client_id']).toBe(client.client_id);
    expect(accessClaims['tsid']).toEqual(expect.any(String));
  });

  it('/mcp/corp reaches backend A with the corp token, which the corp IdP accepts and is not the gateway JWT', async () => {
    const answer = await oauth.protectedResourceRequest(
      tokens.access_token,
      'GET',
      new URL(`${stack.issuer}/mcp/corp/tools?x=1`),
      undefined,
      undefined,
      insecure,
    );
    expect(answer.status).toBe(200);
    const echoed = (await answer.json()) as { backend: string; url: string; headers: Record<string, string> };
    expect(echoed.backend).toBe('corp-backend');
    expect(echoed.url).toBe('/tools?x=1');
    const authorization = echoed.headers['authorization'] ?? '';
    expect(authorization).toMatch(/^Bearer \S+$/);
    const corpToken = authorization.slice('Bearer '.length);
    secrets.add('corp upstream access token', corpToken);
    expect(corpToken).not.toBe(tokens.access_token);
    expect(JSON.stringify(echoed)).not.toContain(tokens.access_token);
    expect(echoed.headers['x-upstream-token']).toBeUndefined();

    const userinfo = await fetch(`${stack.corp.url}/userinfo`, { headers: { authorization } });
    expect(userinfo.status).toBe(200);
    expect(((await userinfo.json()) as { sub: string }).sub).toBe('alice');
    // …and the gateway's own JWT means nothing to the corp IdP.
    const withJwt = await fetch(`${stack.corp.url}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(withJwt.status).toBe(401);
  });

  it('/mcp/github reaches backend B with the GitHub token in X-Upstream-Token and no Authorization header', async () => {
    const answer = await fetch(`${stack.issuer}/mcp/github/repos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(answer.status).toBe(200);
    const echoed = (await answer.json()) as {
      backend: string;
      method: string;
      body: string;
      headers: Record<string, string>;
    };
    expect(echoed.backend).toBe('github-backend');
    expect(echoed.method).toBe('POST');
    expect(JSON.parse(echoed.body)).toEqual({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(echoed.headers['authorization']).toBeUndefined();
    const githubToken = echoed.headers['x-upstream-token'] ?? '';
    expect(githubToken).not.toBe('');
    secrets.add('github upstream access token', githubToken);
    expect(JSON.stringify(echoed)).not.toContain(tokens.access_token);

    const user = await fetch(`${stack.github.url}/user`, {
      headers: { authorization: `Bearer ${githubToken}` },
    });
    expect(user.status).toBe(200);
    expect(((await user.json()) as { login: string }).login).toBe('alice');
    // The corp token is not a GitHub token: each backend got its own IdP's credential.
    const corpSeen = stack.corpBackend.received.at(-1)?.headers['authorization'];
    expect(corpSeen).not.toBe(`Bearer ${githubToken}`);
  });

  it('a bare request gets 401 pointing at the RFC 9728 metadata, which names the gateway as its AS', async () => {
    const before = stack.corpBackend.received.length;
    const bare = await fetch(`${stack.issuer}/mcp/corp`);
    expect(bare.status).toBe(401);
    const challenge = bare.headers.get('www-authenticate') ?? '';
    const metadataUrl = `${stack.issuer}/.well-known/oauth-protected-resource/mcp/corp`;
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`resource_metadata="${metadataUrl}"`);
    expect(challenge).not.toContain('error=');
    expect(stack.corpBackend.received.length).toBe(before);

    const metadata = (await (await fetch(metadataUrl)).json()) as Record<string, unknown>;
    expect(metadata['resource']).toBe(`${stack.issuer}/mcp/corp`);
    expect(metadata['authorization_servers']).toEqual([stack.issuer]);

    // A forged token is refused with invalid_token, and never reaches the backend.
    const forgedToken = `${tokens.access_token.slice(0, -4)}AAAA`;
    secrets.add('forged access token', forgedToken);
    const forged = await fetch(`${stack.issuer}/mcp/corp`, {
      headers: { authorization: `Bearer ${forgedToken}` },
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(stack.corpBackend.received.length).toBe(before);
  });

  it('the gateway refresh token works through oauth4webapi, and the new access token reaches both backends', async () => {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuth,
      tokens.refresh_token!,
      insecure,
    );
    const refreshed = await oauth.processRefreshTokenResponse(as, client, response);
    secrets.add('refreshed gateway access_token', refreshed.access_token);
    secrets.add('rotated gateway refresh_token', refreshed.refresh_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    for (const path of ['/mcp/corp', '/mcp/github']) {
      const answer = await fetch(`${stack.issuer}${path}`, {
        headers: { authorization: `Bearer ${refreshed.access_token}` },
      });
      expect(answer.status, path).toBe(200);
    }
  });

  it('no token, code or secret of this run appears in the gateway logs (SIGTERM, exit 0, whole output)', async () => {
    expect(secrets.labels()).toEqual(
      expect.arrayContaining([
        'CORP_CLIENT_SECRET',
        'GITHUB_CLIENT_SECRET',
        'registered client_secret',
        'gateway access_token',
        'gateway refresh_token',
        'corp upstream access token',
        'github upstream access token',
      ]),
    );
    expect(secrets.labels().some((l) => l.startsWith('code via'))).toBe(true);
    const [gateway] = stack.gateways;
    expect(await gateway!.stop()).toBe(0);
    const output = stack.gatewayOutput();
    // The logs are real: JSON lines that name the requests made above.
    expect(output).toContain('"path":"/oauth/token"');
    expect(output).toContain('"status":401');
    expect(output).toContain('"level":20'); // debug lines too: the strictest log level the CLI offers
    expect(output).toContain('bearer token rejected');
    secrets.expectAbsentFrom(output, 'the gateway output');
    // The mock IdP CLIs stop cleanly too.
    expect(await Promise.all([stack.corp.stop(), stack.github.stop()])).toEqual([0, 0]);
  });
});
