import { randomBytes } from 'node:crypto';
import { type MockIdp, startMockIdp } from '@auth/mock-idp';
import type { UpstreamTokens } from '@auth/storage';
import { createUpstreamClient, type UpstreamClient } from '@auth/upstream';

/** A real mock IdP (auto-login) with the real upstream client of the gateway. */
export interface MockUpstream {
  idp: MockIdp;
  client: UpstreamClient;
  /** Logs in and returns the tokens as the chain stores them. */
  login(): Promise<UpstreamTokens>;
  /** Whether the IdP's userinfo endpoint accepts this access token. */
  accepts(accessToken: string): Promise<boolean>;
}

export async function startMockUpstream(name: string, mode: 'oidc' | 'oauth2'): Promise<MockUpstream> {
  const idp = await startMockIdp({
    mode,
    clientId: 'gateway',
    clientSecret: `${name}-secret`,
    autoLogin: 'alice',
  });
  const base = { name, clientId: 'gateway', clientSecret: `${name}-secret` };
  const runtime = { allowInsecureHttp: true, timeoutMs: 10_000 };
  const client =
    mode === 'oidc'
      ? createUpstreamClient({ ...base, type: 'oidc', issuer: idp.issuer, scopes: ['openid'] }, runtime)
      : createUpstreamClient(
          {
            ...base,
            type: 'oauth2',
            authorizationEndpoint: `${idp.url}/login/oauth/authorize`,
            tokenEndpoint: `${idp.url}/login/oauth/access_token`,
            userinfo: { endpoint: `${idp.url}/user`, subjectField: 'id' },
            scopes: ['repo'],
          },
          runtime,
        );
  return {
    idp,
    client,
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
      const callback = new URL(response.headers.get('location') ?? '', url);
      const { tokens, identity } = await client.completeAuthorization(callback, leg);
      return {
        accessToken: tokens.accessToken,
        tokenType: tokens.tokenType,
        ...(tokens.refreshToken !== undefined && { refreshToken: tokens.refreshToken }),
        userId: 'user-1',
        upstreamSubject: identity.subject,
        clientId: 'client-1',
      };
    },
    async accepts(accessToken) {
      const response = await fetch(mode === 'oidc' ? `${idp.url}/userinfo` : `${idp.url}/user`, {
        headers: { authorization: `Bearer ${accessToken}` },
        signal: AbortSignal.timeout(5_000),
      });
      await response.arrayBuffer();
      return response.ok;
    },
  };
}
