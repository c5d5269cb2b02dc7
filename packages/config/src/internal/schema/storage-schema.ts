import * as z from 'zod';
import { nonEmptyString, secretSource } from './primitives.js';
import { strictObject } from './strict-object.js';

const hostPort = strictObject({
  host: nonEmptyString.meta({ description: 'Host name or IP address.' }),
  port: z.int().min(1, { error: 'must be a port number (1-65535)' }).max(65_535, {
    error: 'must be a port number (1-65535)',
  }),
});

const password = secretSource('password', 'the Redis password');

export const memoryStorageSchema = strictObject({
  type: z.literal('memory'),
}).meta({ description: 'In-process storage: for a single process, tests and the demo.' });

export const redisStorageSchema = strictObject({
  type: z.literal('redis'),
  url: nonEmptyString.optional().meta({
    description: 'redis:// or rediss:// URL of a single node. A URL with a password belongs in url_env.',
  }),
  ...secretSource('url', 'the redis:// or rediss:// URL'),
  key_prefix: z
    .string()
    .regex(/^[^{}\s]*$/, { error: 'must not contain braces or spaces (the storage adds its own hash tags)' })
    .default('auth:')
    .meta({ description: 'Prefix of every Redis key.' }),
  ...secretSource('encryption_key', 'the 32-byte encryption key (64 hex digits or base64)'),
  previous_encryption_keys: z
    .array(
      strictObject(secretSource('key', 'a former 32-byte encryption key (64 hex digits or base64)')).meta({
        description: 'One former key: key_env or key_file.',
      }),
    )
    .default([])
    .meta({
      description:
        'Former encryption keys, still accepted for reading (key rotation); every write uses encryption_key. Needs encryption_key_env or encryption_key_file.',
    }),
  wait_for_replicas: z
    .int({ error: 'must be a whole number of replicas (0 or more)' })
    .min(0, { error: 'must be a whole number of replicas (0 or more)' })
    .default(0)
    .meta({
      description:
        'Replicas that must acknowledge (Redis WAIT) each write a session depends on before it counts; fewer within wait_timeout_ms and the request answers 503. 0 (default): no WAIT, for a single node. With Sentinel, 1 keeps every completed login across a failover (set min-replicas-to-write on the servers too).',
    }),
  wait_timeout_ms: z
    .int({ error: 'must be a whole number of milliseconds from 1 to 1500' })
    .min(1, { error: 'must be a whole number of milliseconds from 1 to 1500' })
    .max(1500, {
      error: 'must be a whole number of milliseconds from 1 to 1500 (below the 2 s command timeout)',
    })
    .default(500)
    .meta({ description: 'How long a write waits for wait_for_replicas acknowledgements, in ms.' }),
  sentinel: strictObject({
    name: nonEmptyString.meta({ description: 'Name of the monitored master.' }),
    sentinels: z.array(hostPort).min(1, { error: 'must list at least one sentinel' }),
    ...password,
  })
    .optional()
    .meta({ description: 'Redis Sentinel deployment.' }),
  cluster: strictObject({
    nodes: z.array(hostPort).min(1, { error: 'must list at least one node' }),
    ...password,
  })
    .optional()
    .meta({ description: 'Redis Cluster deployment (seed nodes).' }),
}).meta({
  description:
    'Redis storage: exactly one of url / url_env / url_file, sentinel or cluster. encryption_key_env / encryption_key_file: 32 bytes, base64 or hex, for AES-256-GCM at rest.',
});

export const storageSchema = z
  .discriminatedUnion('type', [memoryStorageSchema, redisStorageSchema])
  .prefault({ type: 'memory' })
  .meta({ description: 'Where sessions, codes, grants and upstream tokens are kept.' });
