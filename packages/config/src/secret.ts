import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret value resolved from `*_env` or `*_file`. It prints as `[redacted]`
 * in strings, JSON and `util.inspect`; call `reveal()` where the value is used.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The secret value. Never log it. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}
