import { type GatewayConfig, Secret } from '@auth/config';
import { OptionsError } from '@auth/protocol';
import { createMemoryStorage } from '@auth/storage';
import { describe, expect, it } from 'vitest';
import { createAuthorizationServer } from './authorization-server.js';
import { startHarness } from './test-support/gateway-harness.js';

const config = (overrides: Partial<GatewayConfig> = {}): GatewayConfig => ({
  issuer: 'http://127.0.0.1:8080',
  signingKeys: [],
  tokenLifetimes: { accessToken: 3600, refreshToken: 86400, authorizationCode: 60 },
  scopesSupported: ['openid'],
  storage: { type: 'memory' },
  registration: { enabled: true },
  proxy: { connectTimeout: 10, responseTimeout: 120, idleTimeout: 4, maxConnections: 128 },
  clients: [],
  upstreams: [
    {
      name: 'corp',
      type: 'oidc',
      issuer: 'http://127.0.0.1:9001',
      clientId: 'gw',
      clientSecret: new Secret('upstream-secret'),
      scopes: ['openid'],
      optional: false,
    },
  ],
  routes: [],
  ...overrides,
});

describe('createAuthorizationServer options', () => {
  it.each([
    ['http://gateway.example.com', 'ERR_CHAIN_INVALID_ISSUER'],
    ['https://gateway.example.com/', 'ERR_CHAIN_INVALID_ISSUER'],
    ['https://gateway.example.com?x=1', 'ERR_CHAIN_INVALID_ISSUER'],
    ['not a url', 'ERR_CHAIN_INVALID_ISSUER'],
  ])('refuses the issuer %s', async (issuer, code) => {
    const refused = createAuthorizationServer({ config: config({ issuer }), storage: createMemoryStorage() });
    await expect(refused).rejects.toMatchObject({ name: 'ChainOptionsError', code });
    await expect(refused).rejects.toBeInstanceOf(OptionsError);
  });

  it('refuses no upstream, a missing upstream client and a bad timeout', async () => {
    const storage = createMemoryStorage();
    await expect(
      createAuthorizationServer({ config: config({ upstreams: [] }), storage }),
    ).rejects.toMatchObject({
      code: 'ERR_CHAIN_NO_UPSTREAM',
    });
    await expect(
      createAuthorizationServer({ config: config(), storage, upstreamClients: [] }),
    ).rejects.toMatchObject({
      code: 'ERR_CHAIN_UPSTREAM_MISMATCH',
    });
    await expect(
      createAuthorizationServer({ config: config(), storage, upstreamTimeoutMs: 0 }),
    ).rejects.toMatchObject({
      code: 'ERR_CHAIN_INVALID_OPTION',
    });
  });

  it('refuses a cookie secret too short to keep the consent and browser-binding cookies unforgeable', async () => {
    for (const cookieSecret of [new Uint8Array(0), new Uint8Array(16).fill(7)]) {
      await expect(
        createAuthorizationServer({ config: config(), storage: createMemoryStorage(), cookieSecret }),
      ).rejects.toMatchObject({ name: 'ChainOptionsError', code: 'ERR_CHAIN_INVALID_OPTION' });
    }
    const as = await createAuthorizationServer({
      config: config(),
      storage: createMemoryStorage(),
      cookieSecret: new Uint8Array(32).fill(7),
    });
    await as.close();
  });

  it('reports an unusable upstream at start', async () => {
    const bad = config();
    bad.upstreams = [{ ...bad.upstreams[0]!, type: 'oidc', issuer: 'http://idp.example.com' }];
    await expect(
      createAuthorizationServer({ config: bad, storage: createMemoryStorage() }),
    ).rejects.toMatchObject({
      name: 'ChainOptionsError',
      code: 'ERR_CHAIN_INVALID_OPTION',
    });
  });

  it('saves static clients at start with the secret hashed, and publishes the ephemeral key', async () => {
    const storage = createMemoryStorage();
    const as = await createAuthorizationServer({
      config: config({
        clients: [
          {
            clientId: 'demo',
            clientSecret: new Secret('demo-secret-value'),
            redirectUris: ['http://127.0.0.1:8090/callback'],
            trusted: true,
          },
        ],
      }),
      storage,
    });
    const client = await storage.getClient('demo');
    expect(client).toMatchObject({
      trusted: true,
      static: true,
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(JSON.stringify(client)).not.toContain('demo-secret-value');
    expect(await storage.verifyClientSecret('demo', 'demo-secret-value')).toBe(true);
    expect(as.metadata()['issuer']).toBe('http://127.0.0.1:8080');
    expect(as.jwks().keys).toHaveLength(1);
    expect(as.jwks().keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    await as.close();
  });
});

describe('logging of malformed input', () => {
  it('does not quote a malformed body in the logs', async () => {
    const h = await startHarness({ upstreams: [{ name: 'corp', mode: 'oidc' }] });
    try {
      const response = await fetch(`${h.issuer}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"client_secret": "quoted-secret-value", broken',
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
      expect(h.logs.lines.some((line) => line.includes('entity.parse.failed'))).toBe(true);
      expect(h.logs.leaks(['quoted-secret-value'])).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('createAuthorizationServer upstreamClients', () => {
  it('exposes the default client built for each configured upstream, by name', async () => {
    const server = await createAuthorizationServer({ config: config(), storage: createMemoryStorage() });
    expect(Object.keys(server.upstreamClients)).toEqual(['corp']);
    expect(server.upstreamClients['corp']).toMatchObject({ name: 'corp', type: 'oidc' });
    await server.close();
  });
});
