import type { AccessTokenClaims } from '@auth/protocol';

/** What a successful signature and claims check established about one token. */
export interface VerifiedToken {
  claims: Readonly<AccessTokenClaims>;
  scopes: readonly string[];
  /** The signing key's `kid`: the entry is dropped once that key leaves the JWKS. */
  kid: string;
  /** `exp` in epoch ms. */
  expiresAtMs: number;
}

/**
 * A bounded LRU of verified tokens keyed by the token string (a Map keeps insertion
 * order; a hit moves the entry to the end, the oldest is evicted first).
 * Expiry and key removal are checked by the caller on every hit.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, VerifiedToken>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(token: string): VerifiedToken | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    this.#entries.delete(token);
    this.#entries.set(token, entry);
    return entry;
  }

  set(token: string, entry: VerifiedToken): void {
    if (this.#maxEntries === 0) return;
    this.#entries.delete(token);
    this.#entries.set(token, entry);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  delete(token: string): void {
    this.#entries.delete(token);
  }
}
