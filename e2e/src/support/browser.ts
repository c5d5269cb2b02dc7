/** One HTTP exchange the browser made. */
export interface Hop {
  method: 'GET' | 'POST';
  url: string;
  status: number;
  location?: string;
}

/** A page the browser landed on (a non-redirect answer). */
export interface Page {
  url: string;
  status: number;
  html: string;
}

/** An HTML form, as far as these flows need one: method, absolute action and its hidden fields. */
export interface HtmlForm {
  method: string;
  action: string;
  fields: Record<string, string>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

function decodeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_m, name: string) => ENTITIES[name] ?? _m);
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return match?.[1] === undefined ? undefined : decodeHtml(match[1]);
}

/** The forms of a page, with their hidden inputs (the visible ones are the test's to fill). */
export function parseForms(page: Page): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, openTag = '', body = ''] = match;
    const fields: Record<string, string> = {};
    for (const input of body.matchAll(/<input\b[^>]*>/gi)) {
      const name = attribute(input[0], 'name');
      if (name !== undefined && attribute(input[0], 'type') === 'hidden')
        fields[name] = attribute(input[0], 'value') ?? '';
    }
    forms.push({
      method: (attribute(openTag, 'method') ?? 'get').toUpperCase(),
      action: new URL(attribute(openTag, 'action') ?? page.url, page.url).href,
      fields,
    });
  }
  return forms;
}

/**
 * A fetch-based stand-in for a browser: it follows redirects itself (so every `302`/`303`
 * is visible), keeps cookies per origin, and submits HTML forms. Nothing is automatic
 * except what a browser would do; a `stopAt` predicate ends a navigation before a URL is
 * fetched (the client's redirect URI, which a native client catches instead of loading).
 */
export class Browser {
  readonly hops: Hop[] = [];
  readonly #cookies = new Map<string, Map<string, string>>();

  cookiesFor(url: string): Map<string, string> {
    const origin = new URL(url).origin;
    let jar = this.#cookies.get(origin);
    if (jar === undefined) {
      jar = new Map();
      this.#cookies.set(origin, jar);
    }
    return jar;
  }

  #store(url: string, response: Response): void {
    const jar = this.cookiesFor(url);
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=(0|-\d+)\s*$/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  /** One request, no redirect following; cookies sent and stored. */
  async request(method: 'GET' | 'POST', url: string, body?: URLSearchParams): Promise<Response> {
    const jar = this.cookiesFor(url);
    const headers: Record<string, string> = { accept: 'text/html,application/json;q=0.9,*/*;q=0.8' };
    if (jar.size > 0) headers['cookie'] = [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method,
      headers,
      redirect: 'manual',
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(30_000),
    });
    this.#store(url, response);
    const location = response.headers.get('location');
    this.hops.push({
      method,
      url,
      status: response.status,
      ...(location === null ? {} : { location: new URL(location, url).href }),
    });
    return response;
  }

  /**
   * Requests `url` and follows redirects (as GET, like a browser after 302/303) until a
   * page answers or the next URL matches `stopAt`; then returns that URL unfetched.
   */
  async navigate(
    method: 'GET' | 'POST',
    url: string,
    options: { body?: URLSearchParams; stopAt?: (url: URL) => boolean } = {},
  ): Promise<Page | { stoppedAt: URL }> {
    let response = await this.request(method, url, options.body);
    let current = url;
    for (let redirects = 0; response.status >= 300 && response.status < 400; redirects += 1) {
      if (redirects > 20) throw new Error(`too many redirects from ${url}`);
      const next = new URL(response.headers.get('location') ?? '', current);
      await response.body?.cancel();
      if (options.stopAt?.(next)) return { stoppedAt: next };
      current = next.href;
      response = await this.request('GET', current);
    }
    return { url: current, status: response.status, html: await response.text() };
  }

  /** Submits `form` with its hidden fields plus `values` (a submit button's name/value included). */
  submit(
    form: HtmlForm,
    values: Record<string, string>,
    stopAt?: (url: URL) => boolean,
  ): Promise<Page | { stoppedAt: URL }> {
    const body = new URLSearchParams({ ...form.fields, ...values });
    if (form.method === 'POST')
      return this.navigate('POST', form.action, { body, ...(stopAt ? { stopAt } : {}) });
    const target = new URL(form.action);
    for (const [name, value] of body) target.searchParams.set(name, value);
    return this.navigate('GET', target.href, stopAt ? { stopAt } : {});
  }
}

/** What {@link completeLogin} went through. */
export interface LoginOutcome {
  /** The client's redirect URI with `code`, `state`, `iss` (or an error), never fetched. */
  callback: URL;
  /** The pages shown on the way, in order: `consent`, `login` (one per IdP form). */
  pages: Array<{ kind: 'consent' | 'login'; url: string }>;
}

/**
 * Drives an authorization request the way a user would: approves the consent page when
 * it is shown and signs in at every IdP login form with `username`, until the gateway
 * redirects to `redirectUri`.
 */
export async function completeLogin(
  browser: Browser,
  authorizationUrl: string,
  options: { redirectUri: string; username: string; maxPages?: number },
): Promise<LoginOutcome> {
  const stopAt = (url: URL) => url.href.startsWith(options.redirectUri);
  const pages: LoginOutcome['pages'] = [];
  let result = await browser.navigate('GET', authorizationUrl, { stopAt });
  for (let i = 0; i < (options.maxPages ?? 6); i += 1) {
    if ('stoppedAt' in result) return { callback: result.stoppedAt, pages };
    const page = result;
    if (page.status !== 200) throw new Error(`unexpected ${page.status} at ${page.url}:\n${page.html}`);
    const forms = parseForms(page);
    if (/name="decision"\s+value="allow"/.test(page.html)) {
      const form = forms.find((f) => 'csrf_token' in f.fields);
      if (!form) throw new Error(`consent page without its form at ${page.url}`);
      pages.push({ kind: 'consent', url: page.url });
      result = await browser.submit(form, { decision: 'allow' }, stopAt);
    } else if (/<input[^>]*name="username"/.test(page.html)) {
      const form = forms[0];
      if (!form) throw new Error(`login page without a form at ${page.url}`);
      pages.push({ kind: 'login', url: page.url });
      result = await browser.submit(form, { username: options.username }, stopAt);
    } else {
      throw new Error(`neither a consent nor a login page at ${page.url}:\n${page.html.slice(0, 2000)}`);
    }
  }
  throw new Error(`no redirect to ${options.redirectUri} after ${options.maxPages ?? 6} pages`);
}
