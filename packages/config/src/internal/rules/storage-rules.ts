import type { RedisStorageConfig, StorageConfig } from '../../gateway-config.js';
import { Secret } from '../../secret.js';
import type { PathSegment } from '../issue-path.js';
import { resolveSecret } from '../resolve-secret.js';
import type { ParsedSection } from '../schema/gateway-config-schema.js';
import { tryUrl } from '../schema/primitives.js';
import type { ValidationContext } from '../validation-context.js';

type RedisSection = Extract<ParsedSection<'storage'>, { type: 'redis' }>;

const PATH: PathSegment[] = ['storage'];

/**
 * Decodes a 32-byte AES-256 key written as 64 hex digits or base64 (standard
 * or URL-safe); undefined when it is neither.
 */
export function decodeEncryptionKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

/** The key in standard base64, or undefined after reporting a value that is no 32-byte key. */
function normalizedKey(ctx: ValidationContext, secret: Secret, path: PathSegment[]): Secret | undefined {
  const bytes = decodeEncryptionKey(secret.reveal());
  if (bytes === undefined) {
    ctx.issues.add(path, 'must hold a 32-byte key: 64 hex digits or 44 base64 characters');
    return undefined;
  }
  return new Secret(bytes.toString('base64'));
}

function redisUrlProblem(value: string, inline: boolean): string | undefined {
  const url = tryUrl(value);
  if (url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:')) {
    return inline ? 'must be a redis:// or rediss:// URL' : 'must hold a redis:// or rediss:// URL';
  }
  if (inline && (url.password !== '' || url.username !== '')) {
    return 'must not contain credentials; put a URL with a password in url_env or url_file';
  }
  return undefined;
}

/** Redis settings complete for exactly one mode (single node, Sentinel, Cluster); secrets resolved. */
export function checkStorage(ctx: ValidationContext, storage: ParsedSection<'storage'>): StorageConfig {
  if (storage.type === 'memory') return { type: 'memory' };
  return checkRedis(ctx, storage);
}

function checkRedis(ctx: ValidationContext, storage: RedisSection): RedisStorageConfig {
  const { issues } = ctx;
  const urlKeys = (['url', 'url_env', 'url_file'] as const).filter((key) => storage[key] !== undefined);
  if (urlKeys.length > 1) {
    issues.add(
      [...PATH, urlKeys[1]!],
      `give only one of url, url_env, url_file (found ${urlKeys.join(', ')})`,
    );
  }
  const modes = [
    ...(urlKeys.length > 0 ? [urlKeys[0]!] : []),
    ...(storage.sentinel === undefined ? [] : ['sentinel']),
    ...(storage.cluster === undefined ? [] : ['cluster']),
  ];
  if (modes.length === 0) {
    issues.add(PATH, 'redis storage needs one of url, url_env, url_file, sentinel or cluster');
  } else if (modes.length > 1) {
    issues.add([...PATH, modes[1]!], `give only one Redis mode: ${modes.join(' or ')}, not both`);
  }

  let url: Secret | undefined;
  if (storage.url !== undefined) {
    const problem = redisUrlProblem(storage.url, true);
    if (problem === undefined) url = new Secret(storage.url);
    else issues.add([...PATH, 'url'], problem);
  } else if (urlKeys.length === 1) {
    url = resolveSecret(ctx, storage, 'url', PATH);
    if (url !== undefined) {
      const problem = redisUrlProblem(url.reveal(), false);
      if (problem !== undefined) {
        issues.add([...PATH, urlKeys[0]!], problem);
        url = undefined;
      }
    }
  }

  const keySecret = resolveSecret(ctx, storage, 'encryption_key', PATH);
  const encryptionKey =
    keySecret === undefined
      ? undefined
      : normalizedKey(ctx, keySecret, [
          ...PATH,
          storage.encryption_key_env === undefined ? 'encryption_key_file' : 'encryption_key_env',
        ]);
  const previousEncryptionKeys: Secret[] = [];
  storage.previous_encryption_keys.forEach((entry, index) => {
    const path: PathSegment[] = [...PATH, 'previous_encryption_keys', index];
    const secret = resolveSecret(ctx, entry, 'key', path);
    if (secret === undefined) {
      if (entry.key_env === undefined && entry.key_file === undefined)
        issues.add(path, 'give key_env or key_file');
      return;
    }
    const key = normalizedKey(ctx, secret, [...path, entry.key_env === undefined ? 'key_file' : 'key_env']);
    if (key !== undefined) previousEncryptionKeys.push(key);
  });
  if (storage.previous_encryption_keys.length > 0 && keySecret === undefined) {
    issues.add(
      [...PATH, 'previous_encryption_keys'],
      'needs the current key (encryption_key_env or encryption_key_file): former keys only decrypt',
    );
  }

  const result: RedisStorageConfig = {
    type: 'redis',
    keyPrefix: storage.key_prefix,
    previousEncryptionKeys,
    waitForReplicas: storage.wait_for_replicas,
    waitTimeoutMs: storage.wait_timeout_ms,
  };
  if (url !== undefined) result.url = url;
  if (encryptionKey !== undefined) result.encryptionKey = encryptionKey;
  if (storage.sentinel !== undefined) {
    const { name, sentinels } = storage.sentinel;
    const password = resolveSecret(ctx, storage.sentinel, 'password', [...PATH, 'sentinel']);
    result.sentinel = { name, sentinels, ...(password === undefined ? {} : { password }) };
  }
  if (storage.cluster !== undefined) {
    const password = resolveSecret(ctx, storage.cluster, 'password', [...PATH, 'cluster']);
    result.cluster = { nodes: storage.cluster.nodes, ...(password === undefined ? {} : { password }) };
  }
  return result;
}
