import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CorruptRecordError, InvalidStorageArgumentError, StorageDecryptionError } from '../errors.js';

const ENCRYPTED_PREFIX = 'e1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Turns records into the strings Redis stores and back. With a key, values are
 * AES-256-GCM encrypted (random 96-bit IV) and bound to `aad` (the record's
 * logical key), so a value copied under another key or session fails to decrypt.
 */
export interface RecordCodec {
  encode(value: unknown, aad: string): string;
  decode<T>(stored: string, aad: string): T;
}

function checkKey(value: unknown, name: string): Buffer {
  if (!Buffer.isBuffer(value) || value.length !== 32) {
    throw new InvalidStorageArgumentError(`${name} must be a 32-byte Buffer (AES-256-GCM)`);
  }
  return Buffer.from(value);
}

/**
 * `encryptionKey` encrypts; it and then `previousKeys` are tried to decrypt, so a key
 * can be rotated while records written under the old one are still read.
 */
export function createRecordCodec(
  encryptionKey: Buffer | undefined,
  previousKeys: Buffer[] = [],
): RecordCodec {
  const key = encryptionKey === undefined ? undefined : checkKey(encryptionKey, 'encryptionKey');
  if (key === undefined && previousKeys.length > 0) {
    throw new InvalidStorageArgumentError('previousEncryptionKeys need an encryptionKey');
  }
  const decryptionKeys =
    key === undefined ? [] : [key, ...previousKeys.map((k) => checkKey(k, 'previousEncryptionKeys[]'))];

  const parse = <T>(json: string): T => {
    try {
      return JSON.parse(json) as T;
    } catch (cause) {
      throw new CorruptRecordError('a stored record is not valid JSON', { cause });
    }
  };

  return {
    encode(value, aad) {
      const json = JSON.stringify(value);
      if (key === undefined) return json;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
      return ENCRYPTED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },

    decode<T>(stored: string, aad: string): T {
      const encrypted = stored.startsWith(ENCRYPTED_PREFIX);
      if (key === undefined) {
        if (encrypted)
          throw new StorageDecryptionError('a stored record is encrypted but no encryptionKey is set');
        return parse<T>(stored);
      }
      if (!encrypted)
        throw new StorageDecryptionError('a stored record is not encrypted although encryptionKey is set');
      const raw = Buffer.from(stored.slice(ENCRYPTED_PREFIX.length), 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new StorageDecryptionError('a stored record is truncated');
      let lastError: unknown;
      for (const candidate of decryptionKeys) {
        let json: Buffer;
        try {
          const decipher = createDecipheriv('aes-256-gcm', candidate, raw.subarray(0, IV_BYTES));
          decipher.setAAD(Buffer.from(aad, 'utf8'));
          decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
          json = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
        } catch (error) {
          lastError = error;
          continue;
        }
        return parse<T>(json.toString('utf8'));
      }
      throw new StorageDecryptionError('a stored record could not be decrypted (wrong key or tampered)', {
        cause: lastError,
      });
    },
  };
}
