import { randomBytes } from 'node:crypto';
import { type MockIdp, startMockIdp } from '@auth/mock-idp';
import type { UpstreamTokens } from '@auth/storage';
import { createUpstreamClient, type UpstreamClient } from '@auth/upstream';

/** A real mock IdP with a real upstream client talking to it. */
export interface TestUpstream {
  idp: MockIdp;
  client: UpstreamClient;
  /** Refresh-token grants the IdP received. */
  refreshCount(): number;
  /** Logs in (auto-login) and returns the tokens as the chain would store them. */
  login(): Promise<UpstreamTokens>;
  /** Whether the IdP's userinfo endpoint accepts this access token. */
  accepts(accessToken: string): Promise<boolean>;
}

export async function startTestUpstream(
  name: string,
  mode: 'oidc' | 'oauth2',
  accessTokenTtlSeconds = 600,
): Promise<TestUpstream> {
  const idp = await startMockIdp({
    mode,
    clientId: 'gateway',
    clientSecret: `${name}-secret`,
    autoLogin: 'alice',
    accessTokenTtlSeconds,
  });
  const base = { name, clientId: 'gateway', clientSecret: `${name}-secret` };
  const client =
    mode === 'oidc'
      ? createUpstreamClient(
          { ...base, type: 'oidc', issuer: idp.issuer, scopes: ['openid', 'offline_access'] },
          { allowInsecureHttp: true, timeoutMs: 10_000 },
        )
      : createUpstreamClient(
          {
            ...base,
            type: 'oauth2',
            authorizationEndpoint: `${idp.url}/login/oauth/authorize`,
            tokenEndpoint: `${idp.url}/login/oauth/access_token`,
            userinfo: { endpoint: `${idp.url}/user`, subjectField: 'id' },
            scopes: ['repo'],
          },
          { allowInsecureHttp: true, timeoutMs: 10_000 },
        );
  const userinfo = mode === 'oidc' ? `${idp.url}/userinfo` : `${idp.url}/user`;

  return {
    idp,
    client,
    refreshCount: () =>
      idp.requests().filter((r) => r.method === 'POST' && r.params['grant_type'] === 'refresh_token').length,
    async login() {
      const leg = {
        redirectUri: `http://127.0.0.1:9/oauth/callback/${name}`,
        state: randomBytes(16).toString('base64url'),
        codeVerifier: randomBytes(32).toString('base64url'),
        nonce: randomBytes(16).toString('base64url'),
      };
      const url = await client.authorizationUrl(leg);
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      const location = response.headers.get('location');
      if (location === null) throw new Error(`expected a redirect from the IdP, got HTTP ${response.status}`);
      const { tokens, identity } = await client.completeAuthorization(new URL(location, url), leg);
      const stored: UpstreamTokens = {
        accessToken: tokens.accessToken,
        tokenType: tokens.tokenType,
        userId: 'user-1',
        upstreamSubject: identity.subject,
        clientId: 'client-1',
        sessionExpiresAt: Date.now() + 86_400_000,
      };
      if (tokens.refreshToken !== undefined) stored.refreshToken = tokens.refreshToken;
      if (tokens.expiresAt !== undefined) stored.expiresAt = tokens.expiresAt;
      return stored;
    },
    async accepts(accessToken) {
      const response = await fetch(userinfo, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(5_000),
      });
      await response.arrayBuffer();
      return response.ok;
    },
  };
}
