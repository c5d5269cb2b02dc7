import { randomBytes } from 'node:crypto';
import { type MockIdp, startMockIdp } from '@auth/mock-idp';
import type { UpstreamTokens } from '@auth/storage';
import { createUpstreamClient, type UpstreamClient, type UpstreamLegParameters } from '@auth/upstream';

/** A fresh leg as the chain would generate it (state, PKCE verifier, nonce). */
export function newLeg(provider = 'corp'): UpstreamLegParameters {
  return {
    redirectUri: `http://127.0.0.1:9/oauth/callback/${provider}`,
    state: randomBytes(16).toString('base64url'),
    codeVerifier: randomBytes(32).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
  };
}

/**
 * Logs in at an auto-login mock IdP with `client`'s authorization request for `leg` and
 * returns the callback URL the IdP redirects to, as the browser would deliver it.
 */
export async function authorizeLeg(client: UpstreamClient, leg: UpstreamLegParameters): Promise<URL> {
  const url = await client.authorizationUrl(leg);
  const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
  await response.arrayBuffer();
  const location = response.headers.get('location');
  if (response.status < 300 || response.status > 399 || location === null) {
    throw new Error(`expected a redirect from the IdP, got HTTP ${response.status}`);
  }
  return new URL(location, url);
}

/** A real mock IdP (auto-login as `alice`) with the gateway's real upstream client for it. */
export interface MockUpstream {
  idp: MockIdp;
  client: UpstreamClient;
  /** Refresh-token grants the IdP received. */
  refreshCount(): number;
  /** Logs in and returns the tokens as the chain stores them. */
  login(): Promise<UpstreamTokens>;
  /** Whether the IdP's userinfo endpoint accepts this access token. */
  accepts(accessToken: string): Promise<boolean>;
}

/** Starts a mock IdP in `mode` and an `@auth/upstream` client of it named `name`. */
export async function startMockUpstream(
  name: string,
  mode: 'oidc' | 'oauth2',
  options: { accessTokenTtlSeconds?: number } = {},
): Promise<MockUpstream> {
  const idp = await startMockIdp({
    mode,
    clientId: 'gateway',
    clientSecret: `${name}-secret`,
    autoLogin: 'alice',
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 600,
  });
  const base = { name, clientId: 'gateway', clientSecret: `${name}-secret` };
  const runtime = { allowInsecureHttp: true, timeoutMs: 10_000 };
  const client =
    mode === 'oidc'
      ? createUpstreamClient(
          { ...base, type: 'oidc', issuer: idp.issuer, scopes: ['openid', 'offline_access'] },
          runtime,
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
          runtime,
        );
  const userinfo = mode === 'oidc' ? `${idp.url}/userinfo` : `${idp.url}/user`;
  return {
    idp,
    client,
    refreshCount: () =>
      idp.requests().filter((r) => r.method === 'POST' && r.params['grant_type'] === 'refresh_token').length,
    async login() {
      const leg = newLeg(name);
      const { tokens, identity } = await client.completeAuthorization(await authorizeLeg(client, leg), leg);
      return {
        accessToken: tokens.accessToken,
        tokenType: tokens.tokenType,
        ...(tokens.refreshToken === undefined ? {} : { refreshToken: tokens.refreshToken }),
        ...(tokens.expiresAt === undefined ? {} : { expiresAt: tokens.expiresAt }),
        userId: 'user-1',
        upstreamSubject: identity.subject,
        clientId: 'client-1',
        sessionExpiresAt: Date.now() + 86_400_000,
      };
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
