/** A minimal per-origin cookie jar for driving redirects by hand with `fetch`. */
export class CookieJar {
  readonly #cookies = new Map<string, Map<string, string>>();

  store(url: string | URL, response: Response): void {
    const origin = new URL(url).origin;
    const jar = this.#cookies.get(origin) ?? new Map<string, string>();
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const index = pair.indexOf('=');
      if (index === -1) continue;
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || /expires=thu, 01 jan 1970/i.test(a),
      );
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.#cookies.set(origin, jar);
  }

  header(url: string | URL): string | undefined {
    const jar = this.#cookies.get(new URL(url).origin);
    if (jar === undefined || jar.size === 0) return undefined;
    return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(url: string | URL, name: string): string | undefined {
    return this.#cookies.get(new URL(url).origin)?.get(name);
  }

  clear(): void {
    this.#cookies.clear();
  }
}
