import type { Storage } from '@auth/storage';

/** The real storage, with the session ids it was asked to store upstream tokens for (to check cleanup). */
export interface RecordingStorage extends Storage {
  readonly sessionIds: Set<string>;
  /** Every session id seen, each with what storage holds for it now. */
  heldTokens(): Promise<Record<string, string[]>>;
}

export function recordSessions(storage: Storage): RecordingStorage {
  const sessionIds = new Set<string>();
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (property === 'sessionIds') return sessionIds;
      if (property === 'heldTokens')
        return async () => {
          const held: Record<string, string[]> = {};
          for (const id of sessionIds) held[id] = Object.keys(await target.getAllUpstreamTokens(id));
          return held;
        };
      const value = Reflect.get(target, property, receiver);
      if (property === 'storeUpstreamTokens' && typeof value === 'function')
        return (sessionId: string, ...rest: unknown[]) => {
          sessionIds.add(sessionId);
          return (value as (...args: unknown[]) => unknown).call(target, sessionId, ...rest);
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as RecordingStorage;
}
