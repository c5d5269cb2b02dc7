import { expect } from 'vitest';

/**
 * Every code and token a mock IdP issues starts with `midp<tag>_<kind>_` followed by 32
 * base64url characters (192 random bits); finding one in a log means a token leaked,
 * even one the test never saw (an upstream refresh token, an upstream code).
 */
export const MOCK_IDP_TOKEN = /midp[A-Za-z0-9]*_[a-z]+_[A-Za-z0-9_-]{32}/;

/** Collects the secret values a test saw, to check later that no log holds them. */
export class SecretsSeen {
  readonly #values = new Map<string, string>();

  add(label: string, value: unknown): void {
    if (typeof value !== 'string' || value.length < 8) return;
    this.#values.set(value, label);
    // A bearer value may be logged without its scheme.
    const bare = value.replace(/^Bearer\s+/i, '');
    if (bare !== value && bare.length >= 8) this.#values.set(bare, label);
  }

  /** The values of a gateway login: its access and refresh tokens and its code. */
  addLogin(login: { code: string; tokens: { access_token: string; refresh_token?: string } }): void {
    this.add('gateway access_token', login.tokens.access_token);
    this.add('gateway refresh_token', login.tokens.refresh_token);
    this.add('gateway code', login.code);
  }

  get size(): number {
    return this.#values.size;
  }

  labels(): string[] {
    return [...new Set(this.#values.values())].sort();
  }

  /** Asserts that `output` contains none of the values and no mock IdP token at all. */
  expectAbsentFrom(output: string, what: string): void {
    const found = [...this.#values].filter(([value]) => output.includes(value)).map(([, label]) => label);
    expect(found, `secret values found in ${what}`).toEqual([]);
    expect(MOCK_IDP_TOKEN.exec(output)?.[0], `a mock IdP token found in ${what}`).toBeUndefined();
  }
}
