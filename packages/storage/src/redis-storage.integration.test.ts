import { randomBytes, randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidStorageArgumentError, StorageDecryptionError, StorageUnavailableError } from './errors.js';
import type { Storage } from './ports/storage.js';
import { createRedisClient } from './redis-client.js';
import { createRedisStorage } from './redis-storage.js';
import {
  clientFixture,
  codeRecordFixture,
  grantFixture,
  pendingFixture,
  randomToken,
  refreshTokenFixture,
  runStorageContract,
  startRedisServer,
  type TestRedisServer,
  upstreamTokensFixture,
} from './testing/index.js';

let server: TestRedisServer;
let shared: Redis;
let raw: Redis;
const opened: Storage[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  shared = createRedisClient({ url: server.url }) as Redis;
  raw = new Redis(server.url);
});

afterAll(async () => {
  await Promise.all(opened.map((storage) => storage.close()));
  shared?.disconnect();
  raw?.disconnect();
  await server?.stop();
});

const prefix = (): string => `t:${randomUUID().slice(0, 8)}:`;

/** A store on the shared client with its own key prefix. */
function store(options: { keyPrefix?: string; encryptionKey?: Buffer; client?: Redis } = {}): Storage {
  const storage = createRedisStorage({
    client: options.client ?? shared,
    keyPrefix: options.keyPrefix ?? prefix(),
    ...(options.encryptionKey === undefined ? {} : { encryptionKey: options.encryptionKey }),
  });
  opened.push(storage);
  return storage;
}

runStorageContract('redis', async () => ({ storage: store() }));
runStorageContract('redis, encrypted at rest', async () => ({
  storage: store({ encryptionKey: randomBytes(32) }),
}));
runStorageContract('redis, own client from url', async () => ({
  storage: createRedisStorage({ url: server.url, keyPrefix: prefix() }),
}));

/** Every key under `keyPrefix` with its raw content, whatever the type. */
async function dumpKeys(keyPrefix: string): Promise<Map<string, string>> {
  const dump = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await raw.type(key);
      const content =
        type === 'string'
          ? await raw.get(key)
          : type === 'hash'
            ? JSON.stringify(await raw.hgetall(key))
            : type === 'set'
              ? JSON.stringify(await raw.smembers(key))
              : `<${type}>`;
      dump.set(key, content ?? '');
    }
  } while (cursor !== '0');
  return dump;
}

describe('redis: eviction, read by PTTL', () => {
  const HOUR = 3_600_000;

  it('sets the entry TTL to max(access expiry, session expiry) and never shortens the index', async () => {
    const keyPrefix = prefix();
    const storage = store({ keyPrefix });
    const sid = randomUUID();
    const now = Date.now();
    await storage.storeUpstreamTokens(
      sid,
      'corp',
      upstreamTokensFixture({ expiresAt: now + 60_000, sessionExpiresAt: now + HOUR }),
    );
    const entry = `${keyPrefix}upstream:{${sid}}:corp`;
    const index = `${keyPrefix}upstream:idx:{${sid}}`;
    expect(await raw.pttl(entry)).toBeGreaterThan(HOUR - 5_000);
    expect(await raw.pttl(entry)).toBeLessThanOrEqual(HOUR);
    expect(await raw.pttl(index)).toBeGreaterThanOrEqual((await raw.pttl(entry)) - 50);

    await storage.storeUpstreamTokens(
      sid,
      'github',
      upstreamTokensFixture({ expiresAt: now + 2 * HOUR, sessionExpiresAt: now + HOUR }),
    );
    const github = `${keyPrefix}upstream:{${sid}}:github`;
    expect(await raw.pttl(github)).toBeGreaterThan(2 * HOUR - 5_000);
    expect(await raw.pttl(index)).toBeGreaterThan(2 * HOUR - 5_000);

    // A shorter entry stored later does not shorten the index.
    await storage.storeUpstreamTokens(
      sid,
      'short',
      upstreamTokensFixture({ expiresAt: now + 1000, sessionExpiresAt: now + 2000 }),
    );
    expect(await raw.pttl(index)).toBeGreaterThan(2 * HOUR - 5_000);
  });

  it('keeps an entry whose access token expired while the session lives; no TTL for refreshable ones without session end', async () => {
    const keyPrefix = prefix();
    const storage = store({ keyPrefix });
    const sid = randomUUID();
    const now = Date.now();
    const expired = upstreamTokensFixture({ expiresAt: now - 60_000, sessionExpiresAt: now + HOUR });
    await storage.storeUpstreamTokens(sid, 'corp', expired);
    expect(await raw.pttl(`${keyPrefix}upstream:{${sid}}:corp`)).toBeGreaterThan(HOUR - 5_000);
    await storage.storeUpstreamTokens(sid, 'github', upstreamTokensFixture({ expiresAt: now - 60_000 }));
    expect(await raw.pttl(`${keyPrefix}upstream:{${sid}}:github`)).toBe(-1);
    expect(await raw.pttl(`${keyPrefix}upstream:idx:{${sid}}`)).toBe(-1);
    expect(Object.keys(await storage.getAllUpstreamTokens(sid)).sort()).toEqual(['corp', 'github']);
  });

  it('setUpstreamSessionExpiry sets every entry TTL to max(access expiry, new session end) and extends the index', async () => {
    const keyPrefix = prefix();
    const storage = store({ keyPrefix, encryptionKey: randomBytes(32) });
    const sid = randomUUID();
    const now = Date.now();
    await storage.storeUpstreamTokens(
      sid,
      'corp',
      upstreamTokensFixture({ expiresAt: now + 60_000, sessionExpiresAt: now + 120_000 }),
    );
    await storage.storeUpstreamTokens(
      sid,
      'github',
      upstreamTokensFixture({ expiresAt: now + 3 * HOUR, sessionExpiresAt: now + 120_000 }),
    );
    const entry = (provider: string) => `${keyPrefix}upstream:{${sid}}:${provider}`;
    const index = `${keyPrefix}upstream:idx:{${sid}}`;
    expect(await raw.pttl(entry('corp'))).toBeLessThanOrEqual(120_000);
    expect(await storage.setUpstreamSessionExpiry(sid, now + HOUR)).toBe(2);
    expect(await raw.pttl(entry('corp'))).toBeGreaterThan(HOUR - 5_000);
    expect(await raw.pttl(entry('corp'))).toBeLessThanOrEqual(HOUR);
    expect(await raw.pttl(entry('github'))).toBeGreaterThan(3 * HOUR - 5_000);
    expect(await raw.pttl(index)).toBeGreaterThan(3 * HOUR - 5_000);
    // Shortening the session shortens the entries, never the index below an entry.
    expect(await storage.setUpstreamSessionExpiry(sid, now + 60_000)).toBe(2);
    expect(await raw.pttl(entry('corp'))).toBeLessThanOrEqual(60_000);
    expect(await raw.pttl(entry('github'))).toBeGreaterThan(3 * HOUR - 5_000);
    expect(await raw.pttl(index)).toBeGreaterThan(3 * HOUR - 5_000);
  });

  it('reads a token set stored as a bare record (before the session-end envelope), and leaves it to its TTL', async () => {
    const keyPrefix = prefix();
    const storage = store({ keyPrefix });
    const sid = randomUUID();
    const tokens = upstreamTokensFixture({ sessionExpiresAt: Date.now() + HOUR });
    await raw.set(`${keyPrefix}upstream:{${sid}}:corp`, JSON.stringify(tokens), 'PX', HOUR);
    await raw.sadd(`${keyPrefix}upstream:idx:{${sid}}`, 'corp');
    expect(await storage.getUpstreamTokens(sid, 'corp')).toEqual(tokens);
    expect(await storage.getAllUpstreamTokens(sid)).toEqual({ corp: tokens });
    expect(await storage.setUpstreamSessionExpiry(sid, Date.now() + 2 * HOUR)).toBe(0);
    expect(await storage.getUpstreamTokens(sid, 'corp')).toEqual(tokens);
  });

  it('lets Redis evict an entry at its time, and the bulk read then omits it', async () => {
    const storage = store();
    const sid = randomUUID();
    const { refreshToken: _r, ...shortLived } = upstreamTokensFixture({ expiresAt: Date.now() + 150 });
    const kept = upstreamTokensFixture({ sessionExpiresAt: Date.now() + HOUR });
    await storage.storeUpstreamTokens(sid, 'short', shortLived);
    await storage.storeUpstreamTokens(sid, 'kept', kept);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await storage.getAllUpstreamTokens(sid)).toEqual({ kept });
  });
});

/**
 * The commands one client connection sent while `operation` ran, seen through MONITOR
 * (commands a Lua script runs inside Redis show as source `lua` and are not counted).
 */
async function commandsDuring(
  monitor: Redis,
  client: Redis,
  operation: () => Promise<unknown>,
): Promise<Record<string, number>> {
  const socket = (client as unknown as { stream: Socket }).stream;
  const source = `${socket.localAddress}:${socket.localPort}`;
  const [start, end] = [randomUUID(), randomUUID()];
  const counts: Record<string, number> = {};
  let counting = false;
  const seen: Record<string, () => void> = {};
  const markerSeen = (marker: string) =>
    new Promise<void>((resolve) => {
      seen[marker] = resolve;
    });
  // MONITOR lists commands in the order Redis ran them: count what lies between two markers.
  const listener = (_time: string, args: string[], from: string) => {
    const name = String(args[0]).toLowerCase();
    if (name === 'echo' && (args[1] === start || args[1] === end)) {
      counting = args[1] === start;
      seen[args[1]]?.();
    } else if (counting && from === source) {
      counts[name] = (counts[name] ?? 0) + 1;
    }
  };
  monitor.on('monitor', listener);
  try {
    const started = markerSeen(start);
    await raw.echo(start);
    await started;
    await operation();
    const ended = markerSeen(end);
    await raw.echo(end);
    await ended;
  } finally {
    monitor.off('monitor', listener);
  }
  return counts;
}

describe('redis: one round trip per operation (MONITOR)', () => {
  it('store, bulk read, session expiry, delete, consumes, rotation and refresh-token inspection each reach Redis as one EVALSHA', async () => {
    const client = createRedisClient({ url: server.url }) as Redis;
    const storage = createRedisStorage({ client, keyPrefix: prefix() });
    opened.push(storage);
    const sid = randomUUID();
    const grant = grantFixture();
    const refresh = [
      refreshTokenFixture(grant.grantId),
      refreshTokenFixture(grant.grantId),
      refreshTokenFixture(grant.grantId),
    ] as const;
    const pendings = [pendingFixture(), pendingFixture()];
    const codes = [randomToken('code'), randomToken('code')];
    // Warm-up: each script is sent once with EVAL (loaded once per connection).
    await storage.storeUpstreamTokens(sid, 'corp', upstreamTokensFixture());
    await storage.replaceUpstreamTokens(sid, 'corp', upstreamTokensFixture());
    await storage.getAllUpstreamTokens(sid);
    await storage.setUpstreamSessionExpiry(sid, Date.now() + 60_000);
    await storage.deleteUpstreamTokens(sid);
    for (const pending of pendings) await storage.savePendingAuthorization(pending);
    for (const code of codes) await storage.saveAuthorizationCode(code, codeRecordFixture());
    await storage.consumePendingAuthorization(pendings[0]!.id);
    await storage.consumeAuthorizationCode(codes[0]!);
    await storage.saveGrant(grant, refresh[0]);
    await storage.rotateRefreshToken(refresh[0], refresh[1]);
    await storage.inspectRefreshToken(refresh[0]);

    const monitor = await raw.monitor();
    const during = (operation: () => Promise<unknown>) => commandsDuring(monitor, client, operation);
    const one = { evalsha: 1 };
    await storage.storeUpstreamTokens(sid, 'github', upstreamTokensFixture());
    expect(await during(() => storage.storeUpstreamTokens(sid, 'corp', upstreamTokensFixture()))).toEqual(
      one,
    );
    expect(await during(() => storage.replaceUpstreamTokens(sid, 'corp', upstreamTokensFixture()))).toEqual(
      one,
    );
    expect(await during(() => storage.getAllUpstreamTokens(sid))).toEqual(one);
    // The protected path's read: one plain command, no script.
    expect(await during(() => storage.getUpstreamTokensFor(sid, ['corp', 'github', 'none']))).toEqual({
      mget: 1,
    });
    expect(await during(() => storage.setUpstreamSessionExpiry(sid, Date.now() + 86_400_000))).toEqual(one);
    expect(await during(() => storage.deleteUpstreamTokens(sid))).toEqual(one);
    expect(await during(() => storage.consumePendingAuthorization(pendings[1]!.id))).toEqual(one);
    expect(await during(() => storage.consumeAuthorizationCode(codes[1]!))).toEqual(one);
    expect(await during(() => storage.rotateRefreshToken(refresh[1], refresh[2]))).toEqual(one);
    expect(await during(() => storage.inspectRefreshToken(refresh[2]))).toEqual(one);
    expect(await storage.getAllUpstreamTokens(sid)).toEqual({});

    // 60 more operations: not one EVAL, i.e. no script is sent again.
    const delta = await during(async () => {
      for (let index = 0; index < 20; index++) {
        await storage.storeUpstreamTokens(sid, `p${index % 3}`, upstreamTokensFixture());
        await storage.getAllUpstreamTokens(sid);
        await storage.consumePendingAuthorization(randomToken());
      }
    });
    expect(delta).toEqual({ evalsha: 60 });
    monitor.disconnect();
    client.disconnect();
  });

  it('never shows a token without its index entry, or the reverse, to a concurrent reader', async () => {
    const keyPrefix = prefix();
    const writers = [store({ keyPrefix }), store({ keyPrefix, client: new Redis(server.url) })];
    const sid = randomUUID();
    const providers = ['a', 'b', 'c', 'd', 'e'];
    const index = `${keyPrefix}upstream:idx:{${sid}}`;
    const tokenKey = (provider: string) => `${keyPrefix}upstream:{${sid}}:${provider}`;
    let writing = true;
    const write = async (writer: Storage) => {
      for (let round = 0; round < 150; round++) {
        const provider = providers[round % providers.length] as string;
        const action = (round * 7) % 5;
        if (action === 0) await writer.deleteUpstreamTokens(sid);
        else if (action === 1) await writer.deleteUpstreamTokensForProvider(sid, provider);
        else await writer.storeUpstreamTokens(sid, provider, upstreamTokensFixture());
      }
    };
    const reader = new Redis(server.url);
    let snapshots = 0;
    const read = async () => {
      while (writing) {
        const transaction = reader.multi().smembers(index);
        for (const provider of providers) transaction.exists(tokenKey(provider));
        const replies = (await transaction.exec()) ?? [];
        const indexed = new Set(replies[0]?.[1] as string[]);
        providers.forEach((provider, position) => {
          expect(replies[position + 1]?.[1] === 1, `${provider} token vs index`).toBe(indexed.has(provider));
        });
        snapshots++;
      }
    };
    const reading = read();
    await Promise.all(writers.map(write));
    writing = false;
    await reading;
    expect(snapshots).toBeGreaterThan(10);
    reader.disconnect();
    const second = writers[1] as Storage;
    await second.close();
  });

  it(`100 concurrent consumes over 4 connections give exactly one winner`, async () => {
    const keyPrefix = prefix();
    const clients = Array.from({ length: 4 }, () => new Redis(server.url));
    const stores = clients.map((client) => createRedisStorage({ client, keyPrefix }));
    const pending = pendingFixture();
    const code = randomToken('code');
    await stores[0]!.savePendingAuthorization(pending);
    await stores[0]!.saveAuthorizationCode(code, codeRecordFixture());
    const pendingResults = await Promise.all(
      Array.from({ length: 100 }, (_, i) => stores[i % 4]!.consumePendingAuthorization(pending.id)),
    );
    const codeResults = await Promise.all(
      Array.from({ length: 100 }, (_, i) => stores[i % 4]!.consumeAuthorizationCode(code)),
    );
    expect(pendingResults.filter((result) => result !== undefined)).toHaveLength(1);
    expect(codeResults.filter((result) => result.status === 'consumed')).toHaveLength(1);
    expect(codeResults.filter((result) => result.status === 'reused')).toHaveLength(99);
    for (const client of clients) client.disconnect();
  });
});

describe('redis: encryption at rest and hashed secrets', () => {
  async function writeEverything(storage: Storage) {
    const sid = randomUUID();
    const tokens = upstreamTokensFixture();
    const pending = pendingFixture({ sessionId: sid });
    const code = randomToken('code');
    const codeRecord = codeRecordFixture({ sessionId: sid, nonce: randomToken('client-nonce') });
    const grant = grantFixture({ sessionId: sid });
    const refresh = [refreshTokenFixture(grant.grantId), refreshTokenFixture(grant.grantId)] as const;
    const clientSecret = randomToken('secret');
    const client = clientFixture({ clientSecret });
    const email = `${randomUUID()}@example.test`;
    await storage.storeUpstreamTokens(sid, 'corp', tokens);
    await storage.savePendingAuthorization(pending);
    await storage.saveAuthorizationCode(code, codeRecord);
    await storage.saveGrant(grant, refresh[0]);
    await storage.rotateRefreshToken(refresh[0], refresh[1]);
    await storage.saveClient(client);
    await storage.saveUser({ id: randomUUID(), email, createdAt: 1, updatedAt: 1 });
    return {
      sid,
      tokens,
      issued: { code, refresh0: refresh[0], refresh1: refresh[1], clientSecret },
      sensitive: {
        accessToken: tokens.accessToken,
        upstreamRefresh: tokens.refreshToken as string,
        idToken: tokens.idToken as string,
        verifier: pending.codeVerifier as string,
        legNonce: pending.nonce as string,
        clientNonce: codeRecord.nonce as string,
        email,
      },
    };
  }

  it('a raw dump of every key shows no token, code or secret in clear', async () => {
    const keyPrefix = prefix();
    const storage = store({ keyPrefix, encryptionKey: randomBytes(32) });
    const written = await writeEverything(storage);
    const dump = await dumpKeys(keyPrefix);
    expect(dump.size).toBeGreaterThanOrEqual(8);
    const everything = [...dump].map(([key, value]) => `${key}\n${value}`).join('\n');
    for (const [name, value] of Object.entries({ ...written.issued, ...written.sensitive })) {
      expect(everything.includes(value), `${name} in clear`).toBe(false);
    }
    // and the store still reads it all back
    expect(await storage.getAllUpstreamTokens(written.sid)).toEqual({ corp: written.tokens });
  });

  it('without a key, codes, refresh tokens and client secrets are still stored only as hashes', async () => {
    const keyPrefix = prefix();
    const written = await writeEverything(store({ keyPrefix }));
    const dump = await dumpKeys(keyPrefix);
    const everything = [...dump].map(([key, value]) => `${key}\n${value}`).join('\n');
    for (const [name, value] of Object.entries(written.issued)) {
      expect(everything.includes(value), `${name} in clear`).toBe(false);
    }
  });

  it('reading with a wrong key fails with StorageDecryptionError, never garbage', async () => {
    const keyPrefix = prefix();
    const written = await writeEverything(store({ keyPrefix, encryptionKey: randomBytes(32) }));
    const wrong = store({ keyPrefix, encryptionKey: randomBytes(32) });
    await expect(wrong.getAllUpstreamTokens(written.sid)).rejects.toBeInstanceOf(StorageDecryptionError);
    await expect(wrong.getUpstreamTokens(written.sid, 'corp')).rejects.toBeInstanceOf(StorageDecryptionError);
    await expect(wrong.consumeAuthorizationCode(written.issued.code)).rejects.toBeInstanceOf(
      StorageDecryptionError,
    );
    await expect(wrong.findGrantByRefreshToken(written.issued.refresh1)).rejects.toBeInstanceOf(
      StorageDecryptionError,
    );
    const plain = store({ keyPrefix });
    await expect(plain.getUpstreamTokens(written.sid, 'corp')).rejects.toBeInstanceOf(StorageDecryptionError);
  });

  it('reads records written under a previous key after key rotation, and writes with the new one', async () => {
    const keyPrefix = prefix();
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const written = await writeEverything(store({ keyPrefix, encryptionKey: oldKey }));
    const rotated = createRedisStorage({
      client: shared,
      keyPrefix,
      encryptionKey: newKey,
      previousEncryptionKeys: [oldKey],
    });
    expect(await rotated.getAllUpstreamTokens(written.sid)).toEqual({ corp: written.tokens });
    await rotated.storeUpstreamTokens(written.sid, 'github', written.tokens);
    const newOnly = store({ keyPrefix, encryptionKey: newKey });
    expect(await newOnly.getUpstreamTokens(written.sid, 'github')).toEqual(written.tokens);
    await expect(newOnly.getUpstreamTokens(written.sid, 'corp')).rejects.toBeInstanceOf(
      StorageDecryptionError,
    );
  });

  it('an encrypted value copied under another session or provider does not decrypt (AAD binding)', async () => {
    const keyPrefix = prefix();
    const storage = store({ keyPrefix, encryptionKey: randomBytes(32) });
    const [victim, attacker] = [randomUUID(), randomUUID()];
    await storage.storeUpstreamTokens(victim, 'corp', upstreamTokensFixture());
    await storage.storeUpstreamTokens(attacker, 'corp', upstreamTokensFixture());
    const stolen = (await raw.get(`${keyPrefix}upstream:{${victim}}:corp`)) as string;
    await raw.set(`${keyPrefix}upstream:{${attacker}}:corp`, stolen);
    await raw.set(`${keyPrefix}upstream:{${victim}}:github`, stolen);
    await raw.sadd(`${keyPrefix}upstream:idx:{${victim}}`, 'github');
    await expect(storage.getUpstreamTokens(attacker, 'corp')).rejects.toBeInstanceOf(StorageDecryptionError);
    await expect(storage.getUpstreamTokens(victim, 'github')).rejects.toBeInstanceOf(StorageDecryptionError);
  });
});

describe('redis: options', () => {
  it('rejects bad options with a typed error', () => {
    expect(() => createRedisStorage({ client: shared, keyPrefix: 'a{b}:' })).toThrow(
      InvalidStorageArgumentError,
    );
    expect(() => createRedisStorage({ client: shared, url: server.url, keyPrefix: 'a:' })).toThrow(
      InvalidStorageArgumentError,
    );
    expect(() => createRedisStorage({ keyPrefix: 'a:' })).toThrow(InvalidStorageArgumentError);
    expect(() =>
      createRedisStorage({ client: shared, keyPrefix: 'a:', encryptionKey: randomBytes(16) }),
    ).toThrow(InvalidStorageArgumentError);
    const prefixed = new Redis(server.url, { keyPrefix: 'x:', lazyConnect: true });
    expect(() => createRedisStorage({ client: prefixed, keyPrefix: 'a:' })).toThrow(/keyPrefix/);
    prefixed.disconnect();
  });

  it('leaves a passed-in client open on close, and quits its own', async () => {
    const client = new Redis(server.url);
    const borrowed = createRedisStorage({ client, keyPrefix: prefix() });
    await borrowed.ping();
    await borrowed.close();
    expect(await client.ping()).toBe('PONG');
    await expect(borrowed.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
    client.disconnect();
    const owned = createRedisStorage({ url: server.url, keyPrefix: prefix() });
    await owned.ping();
    const before = Number((await raw.info('clients')).match(/connected_clients:(\d+)/)?.[1]);
    await owned.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = Number((await raw.info('clients')).match(/connected_clients:(\d+)/)?.[1]);
    expect(after).toBe(before - 1);
  });
});
