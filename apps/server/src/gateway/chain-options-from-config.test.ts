import { generateKeyPairSync } from 'node:crypto';
import { type GatewayConfig, parseConfig, Secret } from '@auth/config';
import { createMemoryStorage } from '@auth/storage';
import { describe, expect, it } from 'vitest';
import { chainOptionsFromConfig } from './chain-options-from-config.js';
import { createUpstreamClients } from './upstream-clients-from-config.js';

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

const config = (): GatewayConfig => ({
  ...parseConfig(
    {
      issuer: 'http://127.0.0.1:8080',
      scopes_supported: ['openid', 'profile', 'offline_access'],
      token_lifetimes: { access_token: '5m', refresh_token: '1d', authorization_code: '30s' },
      registration: {
        enabled: false,
        metadata_document_hosts: ['127.0.0.1', 'Docs.Example'],
        metadata_document_min_ttl: '2m',
        metadata_document_max_ttl: '2h',
        initial_access_token_env: 'DCR_TOKEN',
        unused_client_lifetime: '2d',
      },
      limits: { registration_metadata: { max_redirect_uris: 3, max_body_bytes: 4096 } },
      clients: [{ client_id: 'demo', redirect_uris: ['http://127.0.0.1:8090/callback'], trusted: true }],
      upstreams: [
        {
          name: 'corp',
          display_name: 'Corp SSO',
          type: 'oidc',
          issuer: 'http://127.0.0.1:9001',
          client_id: 'gw',
        },
        { name: 'extra', type: 'oidc', issuer: 'http://127.0.0.1:9003', client_id: 'gw', optional: true },
      ],
      routes: [
        { path: '/mcp/corp', backend: 'http://127.0.0.1:9101', upstream: 'corp' },
        { path: '/mcp/extra', backend: 'http://127.0.0.1:9103', upstream: 'extra' },
      ],
    },
    { env: { DCR_TOKEN: 'let-me-register' } },
  ),
  signingKeys: [{ file: 'keys/current.pem', alg: 'ES256', pem: new Secret(pem) }],
});

describe('chainOptionsFromConfig', () => {
  it("gives the chain its own options: the app's upstream clients, the routes' resources, no config document", () => {
    const source = config();
    source.clients = [{ ...source.clients[0]!, clientSecret: new Secret('demo-client-secret') }];
    const upstreamClients = createUpstreamClients(source.upstreams);
    const storage = createMemoryStorage();
    const options = chainOptionsFromConfig(source, { storage, upstreamClients, upstreamTimeoutMs: 1234 });
    expect(options.issuer).toBe('http://127.0.0.1:8080');
    expect(options.upstreams.map((upstream) => upstream.client)).toEqual(upstreamClients);
    expect(options.upstreams[0]!.client).toBe(upstreamClients[0]);
    expect(options.upstreams.map((upstream) => upstream.optional)).toEqual([false, true]);
    // The consent page's names: the configured one, else none (the chain shows the upstream's name).
    expect(options.upstreams.map((upstream) => upstream.displayName)).toEqual(['Corp SSO', undefined]);
    expect(options.audiences).toEqual(['http://127.0.0.1:8080/mcp/corp', 'http://127.0.0.1:8080/mcp/extra']);
    expect(options.lifetimes).toEqual({ accessToken: 300, refreshToken: 86_400, authorizationCode: 30 });
    expect(options.scopesSupported).toEqual(['openid', 'profile', 'offline_access']);
    expect(options.registration).toEqual({
      enabled: false,
      initialAccessToken: 'let-me-register',
      unusedClientLifetime: 2 * 86_400,
      maxRedirectUris: 3,
      maxBodyBytes: 4096,
    });
    expect(options.metadataDocuments).toEqual({
      enabled: true,
      allowedHosts: ['127.0.0.1', 'docs.example'],
      minTtlSeconds: 120,
      maxTtlSeconds: 7200,
    });
    expect(options.signingKeys).toEqual([{ pem, alg: 'ES256', label: 'keys/current.pem' }]);
    expect(options.clients).toEqual([
      {
        clientId: 'demo',
        clientSecret: 'demo-client-secret',
        redirectUris: ['http://127.0.0.1:8090/callback'],
        trusted: true,
      },
    ]);
    expect(options.storage).toBe(storage);
    expect(options.upstreamTimeoutMs).toBe(1234);
    for (const configOnly of [
      'routes',
      'proxy',
      'config',
      'tokenLifetimes',
      'allowedHosts',
      'allowedOrigins',
    ]) {
      expect(options).not.toHaveProperty(configOnly);
    }
  });

  it("hands a static client's ID token algorithm to the chain (OIDC Registration §2)", () => {
    const source = config();
    source.clients = [{ ...source.clients[0]!, idTokenSignedResponseAlg: 'RS256' }];
    const options = chainOptionsFromConfig(source, {
      storage: createMemoryStorage(),
      upstreamClients: createUpstreamClients(source.upstreams),
    });
    expect(options.clients?.[0]?.idTokenSignedResponseAlg).toBe('RS256');
  });

  it('refuses a configured upstream without its client', () => {
    const source = config();
    const [corp] = createUpstreamClients(source.upstreams);
    expect(() =>
      chainOptionsFromConfig(source, { storage: createMemoryStorage(), upstreamClients: [corp!] }),
    ).toThrow(expect.objectContaining({ name: 'ChainOptionsError', code: 'ERR_CHAIN_UPSTREAM_MISMATCH' }));
  });
});
