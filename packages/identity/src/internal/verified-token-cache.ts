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

interface Slot {
  entry: VerifiedToken;
  /** Read since it was inserted or last given its second chance. */
  used: boolean;
}

/**
 * A bounded cache of verified tokens keyed by the token string, evicting by second chance
 * (CLOCK): a hit only sets a flag, so it costs one map lookup (a token is a fresh string of some
 * 600 characters on every request, and each lookup hashes it); when the cache is full, the
 * oldest entry goes unless it was read, in which case it is kept once more at the young end.
 * Expiry and key removal are checked by the caller on every hit.
 */
export class VerifiedTokenCache {
  readonly #slots = new Map<string, Slot>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#slots.size;
  }

  get(token: string): VerifiedToken | undefined {
    const slot = this.#slots.get(token);
    if (slot === undefined) return undefined;
    slot.used = true;
    return slot.entry;
  }

  set(token: string, entry: VerifiedToken): void {
    if (this.#maxEntries === 0) return;
    // Room is made before the insert, so the new entry is never the one evicted.
    if (!this.#slots.delete(token) && this.#slots.size >= this.#maxEntries) this.#evictOne();
    this.#slots.set(token, { entry, used: false });
  }

  delete(token: string): void {
    this.#slots.delete(token);
  }

  #evictOne(): void {
    // Ends: every pass clears the flags it meets, so at worst the first entry it re-queued goes.
    for (const [token, slot] of this.#slots) {
      this.#slots.delete(token);
      if (!slot.used) return;
      slot.used = false;
      this.#slots.set(token, slot);
    }
  }
}
