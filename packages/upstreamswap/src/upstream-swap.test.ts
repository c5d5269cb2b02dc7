import type { Identity } from '@auth/identity';
import { OptionsError } from '@auth/protocol';
import { createMemoryStorage, type Storage, type UpstreamTokens } from '@auth/storage';
import { type EchoBackend, type Listening, startEchoBackend } from '@auth/test-kit';
import type { RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityFixture, RESOURCE_METADATA } from './test-support/identity-fixture.js';
import { startGateway } from './test-support/servers.js';
import { createUpstreamSwap } from './upstream-swap.js';
import type { UpstreamSwapOptions } from './upstream-swap-options.js';
import { UpstreamSwapOptionsError } from './upstream-swap-options-error.js';

const tokens = (accessToken: string): UpstreamTokens => ({
  accessToken,
  tokenType: 'Bearer',
  expiresAt: Date.now() + 3_600_000,
  userId: 'user-1',
  upstreamSubject: 'alice',
  clientId: 'client-1',
});

interface Echo {
  headers: Record<string, string>;
  rawHeaders: string[];
}

describe('upstreamswap behind the real identity middleware, in front of a real proxy and echo backend', () => {
  let storage: Storage;
  let backend: EchoBackend;
  const gateways: Listening[] = [];
  let fixture: Awaited<ReturnType<typeof identityFixture>>;
  let jwt: string;
  const logs: string[] = [];
  const logger = {
    debug: (o: object, m?: string) => void logs.push(JSON.stringify({ ...o, m })),
    info: (o: object, m?: string) => void logs.push(JSON.stringify({ ...o, m })),
    warn: (o: object, m?: string) => void logs.push(JSON.stringify({ ...o, m })),
    error: (o: object, m?: string) => void logs.push(JSON.stringify({ ...o, m })),
  };

  beforeAll(async () => {
    storage = createMemoryStorage();
    backend = await startEchoBackend();
    fixture = await identityFixture(storage);
    await storage.storeUpstreamTokens('session-1', 'corp', tokens('corp-upstream-token'));
    await storage.storeUpstreamTokens('session-1', 'github', tokens('gho_github-upstream-token'));
    jwt = await fixture.mint('session-1');
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await backend?.close();
    await storage?.close();
    const all = logs.join('\n');
    for (const secret of [jwt, 'corp-upstream-token', 'gho_github-upstream-token'])
      expect(all).not.toContain(secret);
  });

  async function gateway(options: UpstreamSwapOptions, before: RequestHandler[] = [fixture.identity]) {
    const running = await startGateway(backend.url, [...before, createUpstreamSwap({ logger, ...options })]);
    gateways.push(running);
    return running;
  }

  async function call(url: string, headers: Record<string, string> = { authorization: `Bearer ${jwt}` }) {
    const response = await fetch(url, { headers });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  it('replace: the backend gets Authorization: Bearer <upstream token> and never the gateway JWT', async () => {
    const { url } = await gateway({ providerName: 'corp', headerStrategy: 'replace' });
    const { status, body } = await call(url);
    expect(status).toBe(200);
    const echo = body as unknown as Echo;
    expect(echo.headers['authorization']).toBe('Bearer corp-upstream-token');
    expect(JSON.stringify(echo)).not.toContain(jwt);
  });

  it('custom: the token goes in the custom header and Authorization is removed', async () => {
    const { url } = await gateway({
      providerName: 'github',
      headerStrategy: 'custom',
      customHeaderName: 'X-Upstream-Token',
    });
    // A client-sent value of the custom header is overwritten, not forwarded.
    const { status, body } = await call(url, {
      authorization: `Bearer ${jwt}`,
      'x-upstream-token': 'spoofed',
    });
    expect(status).toBe(200);
    const echo = body as unknown as Echo;
    expect(echo.headers['x-upstream-token']).toBe('gho_github-upstream-token');
    expect(echo.headers['authorization']).toBeUndefined();
    expect(JSON.stringify(echo)).not.toContain(jwt);
    expect(JSON.stringify(echo)).not.toContain('spoofed');
    expect(echo.rawHeaders.filter((h) => h.toLowerCase() === 'x-upstream-token')).toHaveLength(1);
  });

  it('the rewritten request carries no trace of the JWT in req.rawHeaders either', async () => {
    let raw: string[] = [];
    const capture: RequestHandler = (req, _res, next) => {
      raw = [...req.rawHeaders];
      next();
    };
    const running = await startGateway(backend.url, [
      fixture.identity,
      createUpstreamSwap({
        providerName: 'github',
        headerStrategy: 'custom',
        customHeaderName: 'X-Upstream-Token',
      }),
      capture,
    ]);
    gateways.push(running);
    expect((await call(running.url)).status).toBe(200);
    expect(raw.join(' ')).not.toContain(jwt);
    expect(raw.map((h) => h.toLowerCase())).not.toContain('authorization');
  });

  it('req.headersDistinct neither keeps the JWT nor throws after the swap (it is a third view of the headers)', async () => {
    // Regression: Node caches headersDistinct on first read and otherwise builds it from
    // rawHeaders with the header count of the original request. Read before the swap, it kept
    // the JWT; read after a swap that shortened rawHeaders (a spoofed custom header dropped), it threw.
    let seenAfter: unknown;
    const readBefore: RequestHandler = (req, _res, next) => {
      void req.headersDistinct;
      next();
    };
    const readAfter: RequestHandler = (req, _res, next) => {
      try {
        seenAfter = { ...req.headersDistinct };
      } catch (error) {
        seenAfter = error;
      }
      next();
    };
    const swap = (): RequestHandler =>
      createUpstreamSwap({
        providerName: 'github',
        headerStrategy: 'custom',
        customHeaderName: 'X-Upstream-Token',
      });
    for (const before of [[readBefore], []]) {
      seenAfter = undefined;
      const running = await startGateway(backend.url, [...before, fixture.identity, swap(), readAfter]);
      gateways.push(running);
      const { status } = await call(running.url, {
        authorization: `Bearer ${jwt}`,
        'x-upstream-token': 'spoofed',
      });
      expect(status).toBe(200);
      expect(seenAfter).not.toBeInstanceOf(Error);
      expect(seenAfter).toMatchObject({ 'x-upstream-token': ['gho_github-upstream-token'] });
      expect(seenAfter).not.toHaveProperty('authorization');
      expect(JSON.stringify(seenAfter)).not.toContain(jwt);
      expect(JSON.stringify(seenAfter)).not.toContain('spoofed');
    }
  });

  it('no token for the provider: 401 invalid_token "<provider> re-authentication required" with resource_metadata', async () => {
    const { url } = await gateway({
      providerName: 'slack',
      headerStrategy: 'replace',
      resourceMetadataUrl: RESOURCE_METADATA,
    });
    const { status, headers, body } = await call(url);
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="slack re-authentication required", resource_metadata="${RESOURCE_METADATA}"`,
    );
    expect(body).toEqual({ error: 'invalid_token', error_description: 'slack re-authentication required' });
  });

  it('without resourceMetadataUrl the 401 challenge has no resource_metadata', async () => {
    const { url } = await gateway({ providerName: 'slack', headerStrategy: 'replace' });
    expect((await call(url)).headers.get('www-authenticate')).toBe(
      'Bearer error="invalid_token", error_description="slack re-authentication required"',
    );
  });

  it("names challengeScope in the re-authentication challenge (RFC 6750 §3, MCP's scope selection)", async () => {
    const { url } = await gateway({
      providerName: 'slack',
      headerStrategy: 'replace',
      resourceMetadataUrl: RESOURCE_METADATA,
      challengeScope: ['openid', 'offline_access'],
    });
    expect((await call(url)).headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="slack re-authentication required", scope="openid offline_access", resource_metadata="${RESOURCE_METADATA}"`,
    );
  });

  it('the identity middleware still answers for a missing JWT before upstreamswap runs', async () => {
    const { url } = await gateway({ providerName: 'corp', headerStrategy: 'replace' });
    const { status, headers } = await call(url, {});
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${RESOURCE_METADATA}"`);
  });

  describe('each upstream status, with the identity set by a handler', () => {
    const withIdentity =
      (upstreams: Identity['upstreams'], upstreamTokens: Identity['upstreamTokens'] = {}): RequestHandler =>
      (req, _res, next) => {
        req.identity = {
          subject: 'user-1',
          clientId: 'client-1',
          scopes: [],
          claims: {} as Identity['claims'],
          token: 'gateway-jwt',
          sessionId: 'session-1',
          upstreamTokens,
          upstreams,
        };
        next();
      };

    it.each(['revoked', 'expired'] as const)('%s → 401 re-authentication required', async (status) => {
      const { url } = await gateway({ providerName: 'corp', headerStrategy: 'replace' }, [
        withIdentity({ corp: { status, reason: 'test' } }),
      ]);
      const result = await call(url);
      expect(result.status).toBe(401);
      expect(result.body['error_description']).toBe('corp re-authentication required');
    });

    it('a provider named like an Object.prototype member (constructor) is looked up as an own entry only', async () => {
      // Regression: `upstreamTokens['constructor']` found Object itself, so an unavailable
      // "constructor" upstream answered 401 (not 503) and a missing one logged a bogus header error.
      const unavailable = await gateway({ providerName: 'constructor', headerStrategy: 'replace' }, [
        withIdentity({ constructor: { status: 'unavailable' } } as Identity['upstreams']),
      ]);
      expect((await call(unavailable.url)).status).toBe(503);
      const before = logs.length;
      const missing = await gateway({ providerName: 'constructor', headerStrategy: 'replace' }, [
        withIdentity({}),
      ]);
      const result = await call(missing.url);
      expect(result.status).toBe(401);
      expect(result.body['error_description']).toBe('constructor re-authentication required');
      expect(logs.slice(before).some((line) => line.includes('not a valid header value'))).toBe(false);
    });

    it('unavailable → 503 temporarily_unavailable with Retry-After', async () => {
      const { url } = await gateway(
        { providerName: 'corp', headerStrategy: 'replace', retryAfterSeconds: 7 },
        [
          withIdentity({
            corp: {
              status: 'unavailable',
              reason: 'the upstream refresh failed (ERR_UPSTREAM_UNEXPECTED_STATUS)',
            },
          }),
        ],
      );
      const { status, headers, body } = await call(url);
      expect(status).toBe(503);
      expect(headers.get('retry-after')).toBe('7');
      expect(headers.get('www-authenticate')).toBeNull();
      expect(body).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'corp is temporarily unavailable',
      });
    });

    it('another provider being unavailable does not affect this route', async () => {
      const { url } = await gateway({ providerName: 'github', headerStrategy: 'replace' }, [
        withIdentity({ corp: { status: 'unavailable' }, github: { status: 'ok' } }, { github: 'gh-token' }),
      ]);
      const { status, body } = await call(url);
      expect(status).toBe(200);
      expect((body as unknown as Echo).headers['authorization']).toBe('Bearer gh-token');
    });

    it('a token that is not a valid header value is never forwarded', async () => {
      const { url } = await gateway({ providerName: 'corp', headerStrategy: 'replace' }, [
        withIdentity({ corp: { status: 'ok' } }, { corp: 'bad\r\nX-Injected: yes' }),
      ]);
      const result = await call(url);
      expect(result.status).toBe(401);
      expect(logs.some((line) => line.includes('not a valid header value'))).toBe(true);
    });
  });

  it('no req.identity (miswired route): a 500-free 401 and an error log naming the misconfiguration', async () => {
    const { url } = await gateway(
      { providerName: 'corp', headerStrategy: 'replace', resourceMetadataUrl: RESOURCE_METADATA },
      [],
    );
    const { status, headers, body } = await call(url);
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${RESOURCE_METADATA}"`);
    expect(body).toEqual({ error: 'unauthorized', error_description: 'Authentication required' });
    expect(logs.some((line) => line.includes('mount the identity middleware before upstreamswap'))).toBe(
      true,
    );
  });
});

describe('createUpstreamSwap options are checked at creation', () => {
  it.each([
    [{ providerName: '', headerStrategy: 'replace' }, 'ERR_UPSTREAMSWAP_INVALID_PROVIDER'],
    [{ providerName: 'Corp', headerStrategy: 'replace' }, 'ERR_UPSTREAMSWAP_INVALID_PROVIDER'],
    [{ headerStrategy: 'replace' }, 'ERR_UPSTREAMSWAP_INVALID_PROVIDER'],
    [{ providerName: 'corp', headerStrategy: 'prepend' }, 'ERR_UPSTREAMSWAP_INVALID_STRATEGY'],
    [{ providerName: 'corp' }, 'ERR_UPSTREAMSWAP_INVALID_STRATEGY'],
    [{ providerName: 'corp', headerStrategy: 'custom' }, 'ERR_UPSTREAMSWAP_INVALID_HEADER'],
    [
      { providerName: 'corp', headerStrategy: 'custom', customHeaderName: '' },
      'ERR_UPSTREAMSWAP_INVALID_HEADER',
    ],
    [
      { providerName: 'corp', headerStrategy: 'custom', customHeaderName: 'X Token' },
      'ERR_UPSTREAMSWAP_INVALID_HEADER',
    ],
    [
      { providerName: 'corp', headerStrategy: 'custom', customHeaderName: 'x-token\r\n' },
      'ERR_UPSTREAMSWAP_INVALID_HEADER',
    ],
    [
      { providerName: 'corp', headerStrategy: 'custom', customHeaderName: 'Authorization' },
      'ERR_UPSTREAMSWAP_INVALID_HEADER',
    ],
    [
      { providerName: 'corp', headerStrategy: 'custom', customHeaderName: 'AUTHORIZATION' },
      'ERR_UPSTREAMSWAP_INVALID_HEADER',
    ],
    [
      { providerName: 'corp', headerStrategy: 'custom', customHeaderName: 'Host' },
      'ERR_UPSTREAMSWAP_INVALID_HEADER',
    ],
    [
      { providerName: 'corp', headerStrategy: 'replace', customHeaderName: 'X-Token' },
      'ERR_UPSTREAMSWAP_INVALID_HEADER',
    ],
    [
      { providerName: 'corp', headerStrategy: 'replace', resourceMetadataUrl: 'nope' },
      'ERR_UPSTREAMSWAP_INVALID_OPTION',
    ],
    [
      { providerName: 'corp', headerStrategy: 'replace', retryAfterSeconds: -1 },
      'ERR_UPSTREAMSWAP_INVALID_OPTION',
    ],
    [
      { providerName: 'corp', headerStrategy: 'replace', challengeScope: ['a b'] },
      'ERR_UPSTREAMSWAP_INVALID_OPTION',
    ],
    [
      { providerName: 'corp', headerStrategy: 'replace', challengeScope: 'openid' },
      'ERR_UPSTREAMSWAP_INVALID_OPTION',
    ],
  ])('rejects %j with %s', (options, code) => {
    let thrown: unknown;
    try {
      createUpstreamSwap(options as UpstreamSwapOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UpstreamSwapOptionsError);
    expect(thrown).toBeInstanceOf(OptionsError);
    expect((thrown as UpstreamSwapOptionsError).code).toBe(code);
  });

  it('accepts the documented shapes', () => {
    expect(() => createUpstreamSwap({ providerName: 'default', headerStrategy: 'replace' })).not.toThrow();
    expect(() =>
      createUpstreamSwap({
        providerName: 'git-hub',
        headerStrategy: 'custom',
        customHeaderName: 'X-Upstream-Token',
      }),
    ).not.toThrow();
  });
});
