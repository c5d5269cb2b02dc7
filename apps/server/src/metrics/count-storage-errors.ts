import { type Storage, StorageError, type StorageErrorCode } from '@auth/storage';

/**
 * `storage` with every failed call reported to `onError` by its storage error code (the call
 * still fails as before). A call that rejects with anything but a `StorageError` is not counted.
 */
export function countStorageErrors(storage: Storage, onError: (code: StorageErrorCode) => void): Storage {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(storage, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      let call = wrapped.get(key);
      if (call === undefined) {
        call = (...args: unknown[]) => {
          const result: unknown = value.apply(target, args);
          if (!(result instanceof Promise)) return result;
          return result.catch((error: unknown) => {
            if (error instanceof StorageError) onError(error.code);
            throw error;
          });
        };
        wrapped.set(key, call);
      }
      return call;
    },
  });
}
