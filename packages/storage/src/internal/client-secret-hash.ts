import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { digestsEqual, sha256Hex } from './hash.js';

/** scrypt cost (RFC 7914): N = 2^14, r = 8, p = 1 — 16 MiB and tens of milliseconds per check. */
const SCRYPT = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const PREFIX = 'scrypt$';

function scryptAsync(
  secret: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_BYTES, { ...params, maxmem: SCRYPT.maxmem }, (error, key) =>
      error === null ? resolve(key) : reject(error),
    );
  });
}

/**
 * The stored form of a client secret. A secret an operator chose (a static client's, from
 * config) may be guessable: it is hashed with scrypt and a random salt per secret, as
 * `scrypt$N$r$p$salt$hash`. A secret this server issued (RFC 7591 registration) is 256 random
 * bits, out of reach of guessing whatever the hash's speed: a plain SHA-256 (hex) keeps its
 * check cheap.
 */
export async function hashClientSecret(secret: string, operatorChosen: boolean): Promise<string> {
  if (!operatorChosen) return sha256Hex(secret);
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(secret, salt, SCRYPT);
  return `${PREFIX}${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Constant-time check of `presented` against a stored form of `hashClientSecret` (either kind). */
export async function verifyClientSecretHash(stored: string, presented: string): Promise<boolean> {
  if (!stored.startsWith(PREFIX)) return digestsEqual(stored, sha256Hex(presented));
  const [n, r, p, salt, key, extra] = stored.slice(PREFIX.length).split('$');
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (salt === undefined || key === undefined || extra !== undefined) return false;
  if (!Object.values(params).every((value) => Number.isInteger(value) && value > 0)) return false;
  const expected = Buffer.from(key, 'base64url');
  if (expected.length !== KEY_BYTES) return false;
  const actual = await scryptAsync(presented, Buffer.from(salt, 'base64url'), params);
  return timingSafeEqual(actual, expected);
}
