const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

function unescapeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);
}

/** Reads the login form of a page: its action and hidden inputs. */
export function parseLoginForm(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form method="post" action="([^"]*)">/.exec(html);
  if (form?.[1] === undefined) throw new Error('no login form on the page');
  if (!html.includes('<input name="username"')) throw new Error('no username input');
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescapeHtml(m[1] ?? '')] = unescapeHtml(m[2] ?? '');
  }
  return { action: unescapeHtml(form[1]), fields };
}

/** A fetch-driven browser: keeps cookies, follows nothing, posts the login form like a user. */
export class TestBrowser {
  readonly #cookies = new Map<string, string>();

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const jar = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (jar !== '') headers.set('cookie', jar);
    const res = await fetch(url, {
      ...init,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair !== undefined && eq > 0) this.#cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  }

  /**
   * Opens an authorization URL; when the login form shows, signs in as `username`.
   * Returns where the IdP redirected the browser (the client's callback URL).
   */
  async authorize(url: string | URL, username?: string): Promise<URL> {
    const first = await this.fetch(url);
    if (first.status === 302 || first.status === 303) return new URL(first.headers.get('location') ?? '');
    if (first.status !== 200) throw new Error(`authorize answered ${first.status}: ${await first.text()}`);
    if (username === undefined) throw new Error('the login form showed, but no username was given');
    const { action, fields } = parseLoginForm(await first.text());
    const posted = await this.fetch(new URL(action, url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, username }),
    });
    if (posted.status !== 303) throw new Error(`login answered ${posted.status}: ${await posted.text()}`);
    return new URL(posted.headers.get('location') ?? '');
  }
}
