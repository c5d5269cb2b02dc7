import { createMemoryStorage, type Storage } from '@auth/storage';
import { CLIENT_REDIRECT, CookieJar, runChain } from '@auth/test-kit';
import { calculatePKCECodeChallenge, generateRandomCodeVerifier } from 'oauth4webapi';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthorizationServerOptions } from './authorization-server-options.js';
import { countingLimiter } from './test-support/counting-limiter.js';
import { redeemCode, registeredClient } from './test-support/flow.js';
import { type Harness, startHarness } from './test-support/gateway-harness.js';

const REDIRECT = 'http://127.0.0.1:9000/cb';
const WEB = 'https://web.example.com/callback';
const SECRET = 'web-app-secret-value-123';

/** Memory storage that counts the writes it is asked for, by method. */
function countingWrites(storage: Storage): { storage: Storage; writes: Map<string, number> } {
  const writes = new Map<string, number>();
  const proxy = new Proxy(storage, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (/^(save|store|tryAcquire)/.test(String(property)))
          writes.set(String(property), (writes.get(String(property)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { storage: proxy, writes };
}

describe('abuse limits', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const start = async (overrides: Partial<AuthorizationServerOptions>, storage?: Storage) => {
    h = await startHarness({
      upstreams: [{ name: 'corp', mode: 'oidc' }],
      clients: [{ clientId: 'web-app', clientSecret: SECRET, redirectUris: [WEB], scopes: ['openid'] }],
      overrides,
      ...(storage === undefined ? {} : { storage }),
    });
    return h;
  };
  const authorizeUrl = async (harness: Harness, clientId = 'web-app', redirectUri = WEB) => {
    const url = new URL(`${harness.issuer}/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      code_challenge: await calculatePKCECodeChallenge(generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
      scope: 'openid',
    }).toString();
    return url;
  };
  const tokenWithSecret = (harness: Harness, secret: string, clientId = 'web-app') =>
    fetch(`${harness.issuer}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      },
      body: 'grant_type=refresh_token&refresh_token=x.y',
    });
  const register = (harness: Harness, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${harness.issuer}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  describe('anonymous authorize', () => {
    it('stores nothing before consent: the request travels sealed in the form (regression: a 5.5 KB pending record per request)', async () => {
      const counted = countingWrites(createMemoryStorage());
      const harness = await start({}, counted.storage);
      counted.writes.clear();
      for (let i = 0; i < 5; i += 1) {
        const page = await fetch(await authorizeUrl(harness));
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('name="interaction"');
      }
      expect(Object.fromEntries(counted.writes)).toEqual({});
      await counted.storage.close();
    });

    it('refuses an altered or foreign sealed form; an approved one starts the chain once', async () => {
      const harness = await start({});
      const jar = new CookieJar();
      const url = await authorizeUrl(harness);
      const response = await fetch(url);
      jar.store(url, response);
      const html = await response.text();
      const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1]!;
      const post = (interaction: string) =>
        fetch(`${harness.issuer}/oauth/consent`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: jar.header(harness.issuer) ?? '',
          },
          body: new URLSearchParams({
            interaction,
            csrf_token: field('csrf_token'),
            decision: 'allow',
          }).toString(),
        });
      const sealed = field('interaction');
      const flipped = `${sealed.slice(0, -3)}${sealed.at(-3) === 'A' ? 'B' : 'A'}${sealed.slice(-2)}`;
      expect((await post(flipped)).status).toBe(400);
      expect((await post('not-a-form')).status).toBe(400);
      const approved = await post(sealed);
      expect(approved.status).toBe(303);
      expect(approved.headers.get('location')!.startsWith(harness.idps['corp']!.url)).toBe(true);
      expect((await post(sealed)).status).toBe(400);
    });

    it('answers 429 with Retry-After and the limit named, per client address', async () => {
      const limiter = countingLimiter({ authorize: 2 });
      const refusedLimits: string[] = [];
      const harness = await start({
        limiter,
        clientAddress: () => '203.0.113.9',
        events: { rateLimited: (limit) => refusedLimits.push(limit) },
      });
      const url = await authorizeUrl(harness);
      expect((await fetch(url)).status).toBe(200);
      expect((await fetch(url)).status).toBe(200);
      const refused = await fetch(url);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('30');
      expect(await refused.json()).toMatchObject({ error: 'too_many_requests', limit: 'authorize' });
      expect(limiter.counted.every((c) => c.key === '203.0.113.9')).toBe(true);
      // The events port hears each refusal, by limit name (the server's metrics count it).
      expect(refusedLimits).toEqual(['authorize']);
    });

    it('a limiter that fails limits nothing (the request goes on)', async () => {
      const harness = await start({
        limiter: {
          consume: () => Promise.reject(new Error('store down')),
          check: () => Promise.reject(new Error('store down')),
        },
      });
      expect((await fetch(await authorizeUrl(harness))).status).toBe(200);
      expect(harness.logs.lines.some((line) => line.includes('limits.unavailable'))).toBe(true);
    });
  });

  describe('registration', () => {
    const metadata = { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' };

    it('is limited per address (429, Retry-After)', async () => {
      const harness = await start({ limiter: countingLimiter({ register: 1 }) });
      expect((await register(harness, metadata)).status).toBe(201);
      const refused = await register(harness, metadata);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('30');
      expect(await refused.json()).toMatchObject({ error: 'too_many_requests', limit: 'register' });
    });

    it('caps redirect URIs and the body size', async () => {
      const harness = await start({
        registration: { enabled: true, maxRedirectUris: 2, maxBodyBytes: 2048 },
      });
      const three = await register(harness, {
        redirect_uris: ['http://127.0.0.1/a', 'http://127.0.0.1/b', 'http://127.0.0.1/c'],
      });
      expect(three.status).toBe(400);
      expect(await three.json()).toMatchObject({ error: 'invalid_client_metadata' });
      const large = await register(harness, { ...metadata, client_name: 'x'.repeat(3000) });
      expect(large.status).toBe(413);
      expect((await register(harness, metadata)).status).toBe(201);
    });

    it('requires the initial access token when one is set (RFC 7591 §3)', async () => {
      const harness = await start({ registration: { enabled: true, initialAccessToken: 'let-me-register' } });
      for (const headers of [{}, { authorization: 'Bearer wrong-token' }]) {
        const refused = await register(harness, metadata, headers);
        expect(refused.status).toBe(401);
        expect(await refused.json()).toMatchObject({ error: 'invalid_token' });
        expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
      }
      const ok = await register(harness, metadata, { authorization: 'Bearer let-me-register' });
      expect(ok.status).toBe(201);
    });

    it('an unused registration expires; a used one is kept as long as its refresh tokens', async () => {
      let offset = 0;
      const now = () => Date.now() + offset;
      const storage = createMemoryStorage({ now });
      const harness = await start(
        { registration: { enabled: true, unusedClientLifetime: 3600 }, now },
        storage,
      );
      const unused = await registeredClient(harness, { redirect_uris: [CLIENT_REDIRECT] });
      const used = await registeredClient(harness, { redirect_uris: [CLIENT_REDIRECT] });
      const run = await runChain(used, { scope: 'openid offline_access' });
      expect(run.callback.searchParams.get('code')).toBeTypeOf('string');
      expect((await redeemCode(used, run)).status).toBe(200);
      offset += 2 * 3600 * 1000;
      expect(await storage.getClient(unused.client.client_id)).toBeUndefined();
      expect(await storage.getClient(used.client.client_id)).toBeDefined();
      offset += 8 * 86_400 * 1000;
      expect(await storage.getClient(used.client.client_id)).toBeUndefined();
      await storage.close();
    });
  });

  describe('client authentication failures', () => {
    it('are throttled per client_id: 429 past the limit, even with the right secret', async () => {
      const harness = await start({ limiter: countingLimiter({ client_auth_client: 3 }) });
      for (let i = 0; i < 3; i += 1) expect((await tokenWithSecret(harness, `wrong-${i}`)).status).toBe(401);
      const refused = await tokenWithSecret(harness, SECRET);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('30');
      expect(await refused.json()).toMatchObject({ error: 'too_many_requests', limit: 'client_auth_client' });
    });

    it('are throttled per address, unknown client ids included; successes are not counted', async () => {
      const limiter = countingLimiter({ client_auth_address: 2 });
      const harness = await start({ limiter, clientAddress: () => '198.51.100.7' });
      for (let i = 0; i < 3; i += 1) expect((await tokenWithSecret(harness, SECRET)).status).toBe(400); // authenticated: invalid_grant
      expect(limiter.counted).toEqual([]);
      expect((await tokenWithSecret(harness, 'x', 'nobody')).status).toBe(401);
      expect((await tokenWithSecret(harness, 'y', 'nobody-else')).status).toBe(401);
      const refused = await tokenWithSecret(harness, SECRET);
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ limit: 'client_auth_address' });
      const introspect = await fetch(`${harness.issuer}/oauth/introspect`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`web-app:${SECRET}`).toString('base64')}`,
        },
        body: 'token=abc',
      });
      expect(introspect.status).toBe(429);
    });
  });
});
