import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { startRedisServer, type TestRedisServer } from '@auth/storage/testing';
import { loginThroughGateway } from '@auth/test-kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { stopAll } from '../src/support/process.js';
import { type Stack, startStack } from '../src/support/stack.js';
import { callRoute, keysWithTtl, startGateway } from './support/reliability-kit.js';

/**
 * Issue 11 item 11: Redis without an encryption key holds upstream tokens in clear, so `serve`
 * says so loudly; and the key rotates from the config (`previous_encryption_keys`): what was
 * written under the old key is read after the rotation, and new writes use the new key.
 */
describe('encryption at rest (issue 11 item 11)', () => {
  let redis: TestRedisServer;
  let raw: Redis;
  const stacks: Stack[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    raw = new Redis(redis.url);
  });
  afterAll(async () => {
    await Promise.all(stacks.map((stack) => stack.stop()));
    await stopAll();
    raw?.disconnect();
    await redis?.stop();
  });

  it('serve warns, naming storage.encryption_key_env, when Redis would hold upstream tokens in clear', async () => {
    const stack = await startStack({ redisUrl: redis.url });
    stacks.push(stack);
    const warningLine = () =>
      stack
        .gatewayOutput()
        .split('\n')
        .find((line) => line.includes('WARNING: storage.encryption_key_env'));
    // Log lines are buffered (at most 200 ms late).
    await expect.poll(warningLine, { timeout: 5_000 }).toBeDefined();
    const warning = warningLine();
    expect(warning).toContain('in clear');
    expect(JSON.parse(warning!).level).toBe(40); // pino's warn
  });

  it('rotating the key in the config: sessions stored under the old key keep working', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('hex');
    const stack = await startStack({
      redisUrl: redis.url,
      signingKey: true,
      gatewayEnv: { OLD_KEY: oldKey, NEW_KEY: newKey },
      editConfig: (config) => {
        (config['storage'] as Record<string, unknown>)['encryption_key_env'] = 'OLD_KEY';
      },
    });
    stacks.push(stack);
    expect(stack.gatewayOutput()).not.toContain('WARNING: storage.encryption_key_env');
    const login = await loginThroughGateway(stack.issuer, { username: 'frank' });
    const before = await callRoute(`${stack.issuer}/mcp/corp`, login.tokens.access_token);
    expect(before.status).toBe(200);
    const corpToken = ((await before.json()) as { headers: Record<string, string> }).headers['authorization'];
    expect(corpToken).toMatch(/^Bearer /);
    const prefix = (parse(readFileSync(stack.configPath, 'utf8')) as { storage: { key_prefix: string } })
      .storage.key_prefix;
    const stored = await keysWithTtl(raw, `${prefix}upstream:{*}:corp`);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.value).not.toContain(corpToken!.slice('Bearer '.length));

    // Rotate: the new key signs every write, the old one only reads.
    const port = Number(new URL(stack.issuer).port);
    await stack.gateways[0]!.stop();
    const config = parse(readFileSync(stack.configPath, 'utf8')) as { storage: Record<string, unknown> };
    config.storage['encryption_key_env'] = 'NEW_KEY';
    config.storage['previous_encryption_keys'] = [{ key_env: 'OLD_KEY' }];
    writeFileSync(stack.configPath, stringify(config));
    const rotated = await startGateway('gateway-rotated', stack.configPath, port, {
      OLD_KEY: oldKey,
      NEW_KEY: newKey,
    });
    stack.gateways[0] = rotated;
    const after = await callRoute(`${stack.issuer}/mcp/corp`, login.tokens.access_token);
    expect(after.status).toBe(200);
    expect(((await after.json()) as { headers: Record<string, string> }).headers['authorization']).toBe(
      corpToken,
    );

    // A new login is written under the new key: a gateway that knows only the new key reads it.
    const second = await loginThroughGateway(stack.issuer, { username: 'grace' });
    await rotated.stop();
    delete config.storage['previous_encryption_keys'];
    writeFileSync(stack.configPath, stringify(config));
    const onlyNew = await startGateway('gateway-new-key-only', stack.configPath, port, { NEW_KEY: newKey });
    stack.gateways[0] = onlyNew;
    expect((await callRoute(`${stack.issuer}/mcp/corp`, second.tokens.access_token)).status).toBe(200);
    // …while the session written under the old key is now unreadable: never served as if it were absent.
    expect((await callRoute(`${stack.issuer}/mcp/corp`, login.tokens.access_token)).status).toBe(503);
  });
});
