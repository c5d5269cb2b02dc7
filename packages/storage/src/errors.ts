/** Literal codes of every storage failure. */
export type StorageErrorCode =
  | 'ERR_STORAGE_INVALID_ARGUMENT'
  | 'ERR_STORAGE_UNAVAILABLE'
  | 'ERR_STORAGE_DECRYPTION_FAILED'
  | 'ERR_STORAGE_CORRUPT_RECORD';

/** Base class of every error a storage backend throws. */
export abstract class StorageError extends Error {
  abstract readonly code: StorageErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An argument is empty or malformed (e.g. an empty session id); nothing was stored. */
export class InvalidStorageArgumentError extends StorageError {
  readonly code = 'ERR_STORAGE_INVALID_ARGUMENT' as const;
}

/**
 * The backend cannot be reached or did not answer in time. Never swallowed into
 * "not found": callers must treat it as "unknown", e.g. answer 503.
 */
export class StorageUnavailableError extends StorageError {
  readonly code = 'ERR_STORAGE_UNAVAILABLE' as const;
}

/** A value encrypted at rest could not be decrypted (wrong key, or tampered / replayed under another key). */
export class StorageDecryptionError extends StorageError {
  readonly code = 'ERR_STORAGE_DECRYPTION_FAILED' as const;
}

/** A stored record could not be parsed. */
export class CorruptRecordError extends StorageError {
  readonly code = 'ERR_STORAGE_CORRUPT_RECORD' as const;
}
