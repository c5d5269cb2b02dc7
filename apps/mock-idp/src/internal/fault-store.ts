import type { MockIdpFaultName, MockIdpFaults } from '../mock-idp-faults.js';

interface ActiveFault {
  value: unknown;
  once: boolean;
}

/** The active faults; a one-shot fault is removed by the request that applies it. */
export class FaultStore {
  readonly #active = new Map<MockIdpFaultName, ActiveFault>();

  set(faults: MockIdpFaults): void {
    const once = faults.once === true;
    for (const [key, value] of Object.entries(faults)) {
      if (key === 'once' || value === undefined) continue;
      this.#active.set(key as MockIdpFaultName, { value, once });
    }
  }

  clear(): void {
    this.#active.clear();
  }

  /** The active faults as a body (one-shot ones flagged per field). */
  snapshot(): Record<string, { value: unknown; once: boolean }> {
    return Object.fromEntries([...this.#active].map(([k, v]) => [k, { ...v }]));
  }

  /** Reads a fault without consuming it. */
  peek<K extends MockIdpFaultName>(name: K): MockIdpFaults[K] | undefined {
    return this.#active.get(name)?.value as MockIdpFaults[K] | undefined;
  }

  /** Reads a fault and, when it is one-shot, removes it: call only when it is applied. */
  take<K extends MockIdpFaultName>(name: K): MockIdpFaults[K] | undefined {
    const fault = this.#active.get(name);
    if (fault === undefined) return undefined;
    if (fault.once) this.#active.delete(name);
    return fault.value as MockIdpFaults[K];
  }
}
