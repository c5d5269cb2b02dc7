import { CookieJar } from './cookie-jar.js';
import { formSubmission, type HtmlForm, type Page } from './html-forms.js';

/** One HTTP exchange the browser made. */
export interface Hop {
  method: 'GET' | 'POST';
  url: string;
  status: number;
  /** The redirect target, absolute. */
  location?: string;
}

/** Where a navigation ended: a page, or the URL `stopAt` caught before it was fetched. */
export type Landing = Page | { stoppedAt: URL };

/**
 * A fetch-based stand-in for a browser: it follows redirects itself (so every `302`/`303`
 * is visible in {@link Browser.hops}), keeps cookies per origin and submits HTML forms.
 * Nothing is automatic except what a browser would do; a `stopAt` predicate ends a
 * navigation before a URL is fetched (the client's redirect URI, which a native client
 * catches instead of loading).
 */
export class Browser {
  /** Every exchange of this browser, in order. */
  readonly hops: Hop[] = [];

  constructor(readonly jar: CookieJar = new CookieJar()) {}

  /** One request, no redirect following; cookies sent and stored. */
  async request(method: 'GET' | 'POST', url: string | URL, body?: URLSearchParams): Promise<Response> {
    const href = new URL(url).href;
    const headers: Record<string, string> = { accept: 'text/html,application/json;q=0.9,*/*;q=0.8' };
    const cookie = this.jar.header(href);
    if (cookie !== undefined) headers['cookie'] = cookie;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(href, {
      method,
      headers,
      redirect: 'manual',
      ...(body === undefined ? {} : { body: body.toString() }),
      signal: AbortSignal.timeout(30_000),
    });
    this.jar.store(href, response);
    const location = response.headers.get('location');
    this.hops.push({
      method,
      url: href,
      status: response.status,
      ...(location === null ? {} : { location: new URL(location, href).href }),
    });
    return response;
  }

  /**
   * Requests `url` and follows redirects (as GET, like a browser after 302/303) until a
   * page answers or the next URL matches `stopAt`; then returns that URL unfetched.
   */
  async navigate(
    method: 'GET' | 'POST',
    url: string | URL,
    options: { body?: URLSearchParams; stopAt?: (url: URL) => boolean } = {},
  ): Promise<Landing> {
    let current = new URL(url).href;
    let response = await this.request(method, current, options.body);
    for (let redirects = 0; isRedirect(response); redirects += 1) {
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
  submit(form: HtmlForm, values: Record<string, string>, stopAt?: (url: URL) => boolean): Promise<Landing> {
    const { method, url, body } = formSubmission(form, values);
    return this.navigate(method, url, {
      ...(body === undefined ? {} : { body }),
      ...(stopAt ? { stopAt } : {}),
    });
  }
}

/** A 3xx with a `Location`. */
export function isRedirect(response: Response): boolean {
  return response.status >= 300 && response.status < 400 && response.headers.has('location');
}
