import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CorruptRecordError, InvalidStorageArgumentError, StorageDecryptionError } from '../errors.js';
import { createRecordCodec } from './record-codec.js';

describe('record codec', () => {
  const record = { accessToken: 'at-secret-value', n: 1 };

  it('round-trips, with a fresh IV each time, and hides the plaintext', () => {
    const codec = createRecordCodec(randomBytes(32));
    const first = codec.encode(record, 'aad');
    const second = codec.encode(record, 'aad');
    expect(first).not.toBe(second);
    expect(first).not.toContain('at-secret-value');
    expect(codec.decode(first, 'aad')).toEqual(record);
  });

  it('rejects another AAD, a tampered or truncated value, and a wrong key with StorageDecryptionError', () => {
    const key = randomBytes(32);
    const codec = createRecordCodec(key);
    const stored = codec.encode(record, 'session-a');
    expect(() => codec.decode(stored, 'session-b')).toThrow(StorageDecryptionError);
    const body = Buffer.from(stored.slice(3), 'base64');
    body[body.length - 1] = (body[body.length - 1] as number) ^ 1;
    expect(() => codec.decode(`e1.${body.toString('base64')}`, 'session-a')).toThrow(StorageDecryptionError);
    expect(() => codec.decode('e1.AAAA', 'session-a')).toThrow(StorageDecryptionError);
    expect(() => createRecordCodec(randomBytes(32)).decode(stored, 'session-a')).toThrow(
      StorageDecryptionError,
    );
    expect(() => codec.decode(JSON.stringify(record), 'session-a')).toThrow(StorageDecryptionError);
    expect(() => createRecordCodec(undefined).decode(stored, 'session-a')).toThrow(StorageDecryptionError);
  });

  it('without a key stores JSON, and reports unparsable JSON as CorruptRecordError', () => {
    const codec = createRecordCodec(undefined);
    expect(codec.decode(codec.encode(record, 'x'), 'x')).toEqual(record);
    expect(() => codec.decode('{not json', 'x')).toThrow(CorruptRecordError);
  });

  it('decrypts with previous keys and validates key sizes', () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const stored = createRecordCodec(oldKey).encode(record, 'aad');
    expect(createRecordCodec(newKey, [oldKey]).decode(stored, 'aad')).toEqual(record);
    expect(() => createRecordCodec(randomBytes(16))).toThrow(InvalidStorageArgumentError);
    expect(() => createRecordCodec(newKey, [randomBytes(31)])).toThrow(InvalidStorageArgumentError);
    expect(() => createRecordCodec(undefined, [oldKey])).toThrow(InvalidStorageArgumentError);
  });
});
