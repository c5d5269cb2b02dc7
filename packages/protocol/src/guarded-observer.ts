import type { Logger } from './logger.js';

/**
 * An optional observer (metrics, tracing) made safe to call: every method of `observer` can be
 * called whether or not it is defined, and a throw is logged at warn, never passed to the caller,
 * so an observer cannot break the request it observes.
 */
export function guardedObserver<T extends object>(observer: T | undefined, logger: Logger): Required<T> {
  const cache = new Map<PropertyKey, (...args: unknown[]) => void>();
  return new Proxy({} as Required<T>, {
    get(_target, key) {
      let call = cache.get(key);
      if (call === undefined) {
        call = (...args: unknown[]) => {
          const method = (observer as Record<PropertyKey, unknown> | undefined)?.[key];
          if (typeof method !== 'function') return;
          try {
            method.apply(observer, args);
          } catch (error) {
            logger.warn(
              { event: 'observer.failed', method: String(key), err: { message: (error as Error).message } },
              'an event observer threw; ignored',
            );
          }
        };
        cache.set(key, call);
      }
      return call;
    },
  });
}
