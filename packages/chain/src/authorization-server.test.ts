import { OptionsError } from '@auth/protocol';
import { createMemoryStorage } from '@auth/storage';
import { createUpstreamClient } from '@auth/upstream';
import { describe, expect, it } from 'vitest';
import { createAuthorizationServer } from './authorization-server.js';
import type { AuthorizationServerOptions, ChainUpstream } from './authorization-server-options.js';
import { startHarness } from './test-support/gateway-harness.js';

const upstream = (name = 'corp'): ChainUpstream => ({
  client: createUpstreamClient(
    {
      name,
      type: 'oidc',
      issuer: 'http://127.0.0.1:9001',
      clientId: 'gw',
      clientSecret: 'upstream-secret',
      scopes: ['openid'],
    },
    { allowInsecureHttp: true },
  ),
  optional: false,
});

const options = (overrides: Partial<AuthorizationServerOptions> = {}): AuthorizationServerOptions => ({
  issuer: 'http://127.0.0.1:8080',
  upstreams: [upstream()],
  audiences: [],
  lifetimes: { accessToken: 3600, refreshToken: 86400, authorizationCode: 60 },
  signingKeys: [],
  scopesSupported: ['openid'],
  registration: { enabled: true },
  clients: [],
  storage: createMemoryStorage(),
  ...overrides,
});

describe('createAuthorizationServer options', () => {
  it.each([
    ['http://gateway.example.com', 'ERR_CHAIN_INVALID_ISSUER'],
    ['https://gateway.example.com/', 'ERR_CHAIN_INVALID_ISSUER'],
    ['https://gateway.example.com?x=1', 'ERR_CHAIN_INVALID_ISSUER'],
    ['not a url', 'ERR_CHAIN_INVALID_ISSUER'],
  ])('refuses the issuer %s', async (issuer, code) => {
    const refused = createAuthorizationServer(options({ issuer }));
    await expect(refused).rejects.toMatchObject({ name: 'ChainOptionsError', code });
    await expect(refused).rejects.toBeInstanceOf(OptionsError);
  });

  it('refuses no upstream, a missing upstream client and a bad timeout', async () => {
    await expect(createAuthorizationServer(options({ upstreams: [] }))).rejects.toMatchObject({
      code: 'ERR_CHAIN_NO_UPSTREAM',
    });
    await expect(
      createAuthorizationServer(options({ upstreams: [{ optional: false } as ChainUpstream] })),
    ).rejects.toMatchObject({
      code: 'ERR_CHAIN_UPSTREAM_MISMATCH',
    });
    await expect(createAuthorizationServer(options({ upstreamTimeoutMs: 0 }))).rejects.toMatchObject({
      code: 'ERR_CHAIN_INVALID_OPTION',
    });
  });

  it('refuses a static client ID token algorithm no key signs', async () => {
    const client = { clientId: 'c', redirectUris: ['https://app.example.com/cb'] };
    await expect(
      createAuthorizationServer(options({ clients: [{ ...client, idTokenSignedResponseAlg: 'EdDSA' }] })),
    ).rejects.toMatchObject({ name: 'ChainOptionsError', code: 'ERR_CHAIN_INVALID_OPTION' });
    const storage = createMemoryStorage();
    const as = await createAuthorizationServer(
      options({ storage, clients: [{ ...client, idTokenSignedResponseAlg: 'RS256' }] }),
    );
    expect((await storage.getClient('c'))?.metadata).toEqual({ id_token_signed_response_alg: 'RS256' });
    await as.close();
  });

  it.each([
    ['empty', ' '],
    ['too long', 'x'.repeat(101)],
    ['with a right-to-left override', 'Corp\u202eSSO'],
    ['with a line break', 'Corp\nSSO'],
  ])('refuses an upstream displayName %s', async (_what, displayName) => {
    await expect(
      createAuthorizationServer(options({ upstreams: [{ ...upstream(), displayName }] })),
    ).rejects.toMatchObject({
      name: 'ChainOptionsError',
      code: 'ERR_CHAIN_INVALID_OPTION',
      message: expect.stringContaining('upstreams[0].displayName'),
    });
  });

  it('refuses two upstreams of one name (their callback paths would collide)', async () => {
    await expect(
      createAuthorizationServer(options({ upstreams: [upstream('corp'), upstream('corp')] })),
    ).rejects.toMatchObject({ name: 'ChainOptionsError', code: 'ERR_CHAIN_UPSTREAM_MISMATCH' });
  });

  it('refuses lifetimes, audiences and scopes that cannot work', async () => {
    for (const bad of [
      { lifetimes: { accessToken: 0, refreshToken: 86400, authorizationCode: 60 } },
      { lifetimes: { accessToken: 3600, refreshToken: 1.5, authorizationCode: 60 } },
      { lifetimes: undefined as never },
      { audiences: 'http://127.0.0.1:8080/mcp' as never },
      { scopesSupported: [1] as never },
    ]) {
      await expect(createAuthorizationServer(options(bad))).rejects.toMatchObject({
        name: 'ChainOptionsError',
        code: 'ERR_CHAIN_INVALID_OPTION',
      });
    }
  });

  it('refuses a cookie secret too short to keep the consent and browser-binding cookies unforgeable', async () => {
    for (const cookieSecret of [new Uint8Array(0), new Uint8Array(16).fill(7)]) {
      await expect(createAuthorizationServer(options({ cookieSecret }))).rejects.toMatchObject({
        name: 'ChainOptionsError',
        code: 'ERR_CHAIN_INVALID_OPTION',
      });
    }
    const as = await createAuthorizationServer(options({ cookieSecret: new Uint8Array(32).fill(7) }));
    await as.close();
  });

  it('refuses a static client name with a bidirectional override, as registration does', async () => {
    const client = { clientId: 'demo', redirectUris: ['http://127.0.0.1:8090/callback'] };
    await expect(
      createAuthorizationServer(options({ clients: [{ ...client, clientName: 'Demo\u202egro.elpmaxe' }] })),
    ).rejects.toMatchObject({ name: 'ChainOptionsError', code: 'ERR_CHAIN_INVALID_OPTION' });
    const as = await createAuthorizationServer(options({ clients: [{ ...client, clientName: 'Démo' }] }));
    await as.close();
  });

  it('saves static clients at start with the secret hashed, and publishes the ephemeral key', async () => {
    const storage = createMemoryStorage();
    const as = await createAuthorizationServer(
      options({
        clients: [
          {
            clientId: 'demo',
            clientSecret: 'demo-secret-value',
            redirectUris: ['http://127.0.0.1:8090/callback'],
            trusted: true,
          },
        ],
        storage,
      }),
    );
    const client = await storage.getClient('demo');
    expect(client).toMatchObject({
      trusted: true,
      static: true,
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(JSON.stringify(client)).not.toContain('demo-secret-value');
    expect(await storage.verifyClientSecret('demo', 'demo-secret-value')).toBe(true);
    expect(as.metadata()['issuer']).toBe('http://127.0.0.1:8080');
    // The ephemeral signing key, and the RS256 key of ID tokens (OIDC Discovery §3).
    expect(as.jwks().keys).toHaveLength(2);
    expect(as.jwks().keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(as.jwks().keys[1]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
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
