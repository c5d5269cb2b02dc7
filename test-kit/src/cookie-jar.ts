/**
 * The cookies of one browser, kept per origin (host and port; paths and `Secure` do not
 * matter on loopback). `Max-Age` ≤ 0, an `Expires` in the past or an empty value deletes
 * a cookie (RFC 6265 §5.3).
 */
export class CookieJar {
  readonly #cookies = new Map<string, Map<string, string>>();

  /** Takes every `Set-Cookie` of `response`, received from `url`. */
  store(url: string | URL, response: Response): void {
    const origin = new URL(url).origin;
    const jar = this.#cookies.get(origin) ?? new Map<string, string>();
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || attributes.some(expires)) jar.delete(name);
      else jar.set(name, value);
    }
    this.#cookies.set(origin, jar);
  }

  /** The `Cookie` header for a request to `url`, or `undefined` when there is none. */
  header(url: string | URL): string | undefined {
    const jar = this.#cookies.get(new URL(url).origin);
    if (jar === undefined || jar.size === 0) return undefined;
    return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** One cookie's value at `url`'s origin. */
  get(url: string | URL, name: string): string | undefined {
    return this.#cookies.get(new URL(url).origin)?.get(name);
  }

  clear(): void {
    this.#cookies.clear();
  }
}

function expires(attribute: string): boolean {
  const [rawName = '', ...rest] = attribute.split('=');
  const name = rawName.trim().toLowerCase();
  const value = rest.join('=').trim();
  if (name === 'max-age') return Number(value) <= 0;
  if (name === 'expires') return Date.parse(value) <= Date.now();
  return false;
}
