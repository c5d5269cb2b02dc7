import { CookieJar } from './cookie-jar.js';

export interface BrowseOptions {
  jar?: CookieJar;
  /** Answer of the consent page; default `allow`. */
  consent?: 'allow' | 'deny';
  /** Log in at the IdP of this origin as this username (instead of its auto-login), via its login form POST. */
  loginAs?: Record<string, string>;
  /** Redirects to a URL starting with this are the end of the ride (the client's redirect URI). */
  stopAt: string;
  /** Called before each hop; may return a replacement URL (tampering tests). */
  beforeHop?: (url: URL) => URL | undefined;
  maxHops?: number;
}

export interface BrowseResult {
  /** The URL the ride ended at: the client callback, or the page that stopped it. */
  final: URL;
  /** Every URL requested, in order. */
  hops: URL[];
  consentShown: boolean;
  /** Status of the redirect that led to `final` (e.g. 303 for the code response). */
  redirectStatus?: number;
  /** Status and body of the last response when the ride stopped on a page. */
  status?: number;
  body?: string;
  jar: CookieJar;
}

function hiddenField(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
}

/** Follows redirects by hand like a browser (cookies, consent form, IdP login form). */
export async function browse(start: string | URL, options: BrowseOptions): Promise<BrowseResult> {
  const jar = options.jar ?? new CookieJar();
  const hops: URL[] = [];
  let url = new URL(start);
  let method: 'GET' | 'POST' = 'GET';
  let body: URLSearchParams | undefined;
  let consentShown = false;
  let redirectStatus: number | undefined;
  for (let hop = 0; hop < (options.maxHops ?? 20); hop++) {
    url = options.beforeHop?.(url) ?? url;
    if (url.href.startsWith(options.stopAt))
      return {
        final: url,
        hops,
        consentShown,
        jar,
        ...(redirectStatus === undefined ? {} : { redirectStatus }),
      };
    const username = options.loginAs?.[url.origin];
    if (username !== undefined && method === 'GET' && /authorize$/.test(url.pathname)) {
      method = 'POST';
      body = new URLSearchParams(url.searchParams);
      body.set('username', username);
      url = new URL(url.origin + url.pathname);
    }
    hops.push(url);
    const cookie = jar.header(url);
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        ...(cookie === undefined ? {} : { cookie }),
        ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(body === undefined ? {} : { body: body.toString() }),
      signal: AbortSignal.timeout(15_000),
    });
    jar.store(url, response);
    method = 'GET';
    body = undefined;
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.arrayBuffer();
      redirectStatus = response.status;
      url = new URL(location, url);
      continue;
    }
    const text = await response.text();
    const interaction = hiddenField(text, 'interaction');
    const csrf = hiddenField(text, 'csrf_token');
    const action = /<form method="post" action="([^"]+)"/.exec(text)?.[1];
    if (response.status === 200 && interaction !== undefined && csrf !== undefined && action !== undefined) {
      consentShown = true;
      method = 'POST';
      body = new URLSearchParams({ interaction, csrf_token: csrf, decision: options.consent ?? 'allow' });
      url = new URL(action.replace(/&amp;/g, '&'), url);
      continue;
    }
    return { final: url, hops, consentShown, status: response.status, body: text, jar };
  }
  throw new Error('too many redirects');
}
