import { randomUUID } from 'node:crypto';
import { recordingLogger } from '@auth/test-kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from './errors.js';
import type { Storage } from './ports/storage.js';
import { createRedisStorage } from './redis-storage.js';
import {
  clientFixture,
  codeRecordFixture,
  grantFixture,
  pendingFixture,
  randomToken,
  refreshTokenFixture,
  startRedisServer,
  type TestRedisServer,
  upstreamTokensFixture,
} from './testing/index.js';

let server: TestRedisServer;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
});

const TIMEOUT_MS = 800;
/** Generous bound for one failed call: the command timeout plus scheduling slack on a busy machine. */
const BOUND_MS = TIMEOUT_MS + 1500;

/** One call of every method of the Storage interface. */
function everyMethod(storage: Storage, sid: string): Array<[string, () => Promise<unknown>]> {
  return [
    ['saveClient', () => storage.saveClient(clientFixture({ clientSecret: 's3cret' }))],
    ['getClient', () => storage.getClient('client-1')],
    ['verifyClientSecret', () => storage.verifyClientSecret('client-1', 's3cret')],
    ['deleteClient', () => storage.deleteClient('client-1')],
    ['savePendingAuthorization', () => storage.savePendingAuthorization(pendingFixture())],
    ['consumePendingAuthorization', () => storage.consumePendingAuthorization('state-1')],
    ['saveAuthorizationCode', () => storage.saveAuthorizationCode(randomToken(), codeRecordFixture())],
    ['consumeAuthorizationCode', () => storage.consumeAuthorizationCode('code-1')],
    [
      'saveGrant',
      () => {
        const grant = grantFixture();
        return storage.saveGrant(grant, refreshTokenFixture(grant.grantId));
      },
    ],
    ['getGrant', () => storage.getGrant('grant-1')],
    ['rotateRefreshToken', () => storage.rotateRefreshToken('grant-1.rt-1', 'grant-1.rt-2')],
    ['findGrantByRefreshToken', () => storage.findGrantByRefreshToken('grant-1.rt-1')],
    ['inspectRefreshToken', () => storage.inspectRefreshToken('grant-1.rt-1')],
    ['revokeGrant', () => storage.revokeGrant('grant-1')],
    ['saveUser', () => storage.saveUser({ id: 'user-1', createdAt: 1, updatedAt: 1 })],
    ['getUser', () => storage.getUser('user-1')],
    ['getUserIdByProviderIdentity', () => storage.getUserIdByProviderIdentity('corp', 'subject')],
    ['linkProviderIdentity', () => storage.linkProviderIdentity('corp', 'subject', 'user-1')],
    ['storeUpstreamTokens', () => storage.storeUpstreamTokens(sid, 'corp', upstreamTokensFixture())],
    ['replaceUpstreamTokens', () => storage.replaceUpstreamTokens(sid, 'corp', upstreamTokensFixture())],
    ['setUpstreamSessionExpiry', () => storage.setUpstreamSessionExpiry(sid, Date.now() + 60_000)],
    ['getUpstreamTokens', () => storage.getUpstreamTokens(sid, 'corp')],
    ['getAllUpstreamTokens', () => storage.getAllUpstreamTokens(sid)],
    ['deleteUpstreamTokens', () => storage.deleteUpstreamTokens(sid)],
    ['deleteUpstreamTokensForProvider', () => storage.deleteUpstreamTokensForProvider(sid, 'corp')],
    ['tryAcquireLock', () => storage.tryAcquireLock('lock-1', 1000)],
    ['releaseLock', () => storage.releaseLock('lock-1', 'owner')],
    ['ping', () => storage.ping()],
  ];
}

/** Runs every method at once; each must reject with StorageUnavailableError within the bound. */
async function expectAllUnavailable(storage: Storage, sid: string): Promise<unknown[]> {
  const outcomes = await Promise.all(
    everyMethod(storage, sid).map(async ([name, call]) => {
      const started = performance.now();
      try {
        await call();
        return { name, error: undefined as unknown, elapsed: performance.now() - started };
      } catch (error) {
        return { name, error, elapsed: performance.now() - started };
      }
    }),
  );
  for (const { name, error, elapsed } of outcomes) {
    expect(error, `${name} must reject`).toBeInstanceOf(StorageUnavailableError);
    expect(elapsed, `${name} took ${Math.round(elapsed)} ms`).toBeLessThan(BOUND_MS);
  }
  return outcomes.map(({ error }) => error);
}

/** Every message of an error and its causes. */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) parts.push(current.message);
  return parts.join(' | ');
}

async function waitUntilUsable(storage: Storage): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await storage.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Every message and enumerable property of an error and its causes, as a logger's serializer would see them. */
function everything(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) {
    parts.push(current.message, JSON.stringify({ ...current }));
  }
  return parts.join(' | ');
}

describe('redis errors carry no token value', () => {
  it('a Redis error does not keep the command arguments (the token record) in its cause', async () => {
    // Regression: the ioredis error became the StorageUnavailableError's cause as is, and ioredis
    // puts `command: { name, args }` on it: a logger serializing the cause chain printed the
    // token record (in clear without an encryptionKey).
    const sid = randomUUID();
    const tokens = upstreamTokensFixture();
    const keyPrefix = `wrongtype-${randomUUID()}:`;
    const failing = createRedisStorage({ url: server.url, keyPrefix });
    const raw = new Redis(server.url);
    await raw.set(`${keyPrefix}upstream:idx:{${sid}}`, 'not a set');
    const error = await failing.storeUpstreamTokens(sid, 'corp', tokens).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StorageUnavailableError);
    const said = everything(error);
    expect(said).toContain('WRONGTYPE');
    for (const secret of [tokens.accessToken, tokens.refreshToken as string, tokens.idToken as string]) {
      expect(said.includes(secret)).toBe(false);
    }
    raw.disconnect();
    await failing.close();
  });
});

describe('redis outage: typed errors within a bounded time, then recovery', () => {
  it('a store with its own client (url): every method rejects while Redis is down, and works once it is back', async () => {
    const logger = recordingLogger();
    const storage = createRedisStorage({
      url: server.url,
      keyPrefix: 'outage-own:',
      commandTimeoutMs: TIMEOUT_MS,
      logger,
    });
    const sid = randomUUID();
    const tokens = upstreamTokensFixture();
    await storage.storeUpstreamTokens(sid, 'corp', tokens);
    expect(await storage.getAllUpstreamTokens(sid)).toEqual({ corp: tokens });

    await server.stop();
    const errors = await expectAllUnavailable(storage, sid);
    errors.push(...(await expectAllUnavailable(storage, sid))); // still typed on repeated calls, never "not found"
    const said = [...logger.lines, ...errors.map(messages)].join('\n');
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const secret of [
      tokens.accessToken,
      tokens.refreshToken as string,
      tokens.idToken as string,
      's3cret',
    ]) {
      expect(said.includes(secret)).toBe(false);
    }

    await server.restart();
    await waitUntilUsable(storage);
    await storage.storeUpstreamTokens(sid, 'corp', tokens);
    expect(await storage.getAllUpstreamTokens(sid)).toEqual({ corp: tokens });
    await storage.close();
  });

  it('a store on a passed-in client with ioredis defaults is bounded by commandTimeoutMs too', async () => {
    const client = new Redis(server.url);
    client.on('error', () => {});
    const storage = createRedisStorage({
      client,
      keyPrefix: 'outage-borrowed:',
      commandTimeoutMs: TIMEOUT_MS,
    });
    const sid = randomUUID();
    await storage.ping();

    await server.stop();
    await expectAllUnavailable(storage, sid);

    await server.restart();
    await waitUntilUsable(storage);
    const tokens = upstreamTokensFixture();
    await storage.storeUpstreamTokens(sid, 'github', tokens);
    expect(await storage.getUpstreamTokens(sid, 'github')).toEqual(tokens);
    await storage.close();
    client.disconnect();
  });

  it('a Redis that accepts connections but does not answer (CLIENT PAUSE) times out with a typed error', async () => {
    const storage = createRedisStorage({
      url: server.url,
      keyPrefix: 'outage-hang:',
      commandTimeoutMs: TIMEOUT_MS,
    });
    await waitUntilUsable(storage);
    const admin = new Redis(server.url);
    await admin.call('CLIENT', 'PAUSE', String(TIMEOUT_MS * 3), 'ALL');
    const sid = randomUUID();
    const started = performance.now();
    await expect(storage.getAllUpstreamTokens(sid)).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.consumeAuthorizationCode('code')).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(performance.now() - started).toBeLessThan(2 * BOUND_MS);
    await admin.call('CLIENT', 'UNPAUSE');
    await waitUntilUsable(storage);
    expect(await storage.getAllUpstreamTokens(sid)).toEqual({});
    admin.disconnect();
    await storage.close();
  });
});
