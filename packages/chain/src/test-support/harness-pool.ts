import type { Storage } from '@auth/storage';
import { type Harness, type HarnessOptions, startHarness } from './gateway-harness.js';

/** The harnesses one suite starts on its storage backend, closed together with their storage. */
export interface HarnessPool {
  /** Starts a harness on a fresh storage from `makeStorage` (passed through `wrap`). */
  start(options: HarnessOptions): Promise<Harness>;
  /** Closes every harness started, then its storage, even when a close fails. */
  closeAll(): Promise<void>;
}

export function harnessPool(
  makeStorage: () => Promise<Storage>,
  wrap: (storage: Storage) => Storage = (storage) => storage,
): HarnessPool {
  const harnesses: Harness[] = [];
  return {
    async start(options) {
      const harness = await startHarness({ ...options, storage: wrap(await makeStorage()) });
      harnesses.push(harness);
      return harness;
    },
    async closeAll() {
      for (const harness of harnesses) {
        try {
          await harness.close();
        } finally {
          await harness.storage.close();
        }
      }
    },
  };
}
