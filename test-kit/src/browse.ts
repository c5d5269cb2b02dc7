import { Browser, isRedirect } from './browser.js';
import { formSubmission, type HtmlForm, type Page, parseForms } from './html-forms.js';

/** A page the walk answered on its way: the gateway's consent page or an IdP's login form. */
export interface AnsweredPage {
  kind: 'consent' | 'login';
  url: string;
}

/** Options of {@link browse}. */
export interface BrowseOptions {
  /** The browser (its cookies are the user's sessions); default a fresh one. */
  browser?: Browser;
  /**
   * The walk ends before fetching a URL starting with this string (or matching this
   * predicate): the client's redirect URI, or a point a test wants to stop at. Default:
   * the start URL's `redirect_uri`, else the first URL on another origin than the start.
   */
  stopAt?: string | ((url: URL) => boolean);
  /** The answer on the gateway's consent page; default `allow`. */
  consent?: 'allow' | 'deny';
  /** Signs in with this username at every IdP login form shown. */
  username?: string;
  /**
   * Per IdP origin: sign in there as this username, posting it with the authorization
   * request even when that IdP would log in automatically (mock IdPs with `autoLogin`).
   */
  loginAs?: Record<string, string>;
  /** Called before each request; may return a replacement URL (tampering tests). */
  beforeHop?: (url: URL) => URL | undefined;
  /** Requests at most; default 30. */
  maxHops?: number;
}

/** Where a {@link browse} walk ended and what it went through. */
export interface Ride {
  /** The URL the walk stopped at (unfetched), or the page it could not answer. */
  final: URL;
  /** Whether `final` is the `stopAt` URL (else the walk ended on a page). */
  stopped: boolean;
  /** Every URL requested in this walk, in order. */
  hops: URL[];
  /** The consent and login pages answered, in order. */
  pages: AnsweredPage[];
  consentShown: boolean;
  /** Status of the redirect that led to `final` (e.g. 303 for the code response). */
  redirectStatus?: number;
  /** Status and body of the page the walk ended on. */
  status?: number;
  body?: string;
  browser: Browser;
}

function stopPredicate(start: URL, stopAt: BrowseOptions['stopAt']): (url: URL) => boolean {
  if (typeof stopAt === 'function') return stopAt;
  const prefix = stopAt ?? start.searchParams.get('redirect_uri') ?? undefined;
  if (prefix !== undefined) return (url) => url.href.startsWith(prefix);
  return (url) => url.origin !== start.origin;
}

function isConsentForm(form: HtmlForm): boolean {
  return 'csrf_token' in form.fields && form.names.includes('decision');
}

function isLoginForm(form: HtmlForm): boolean {
  return form.names.includes('username');
}

/** What a user does on `page`: the form to submit with its values, or nothing (the walk ends). */
function answer(
  page: Page,
  options: BrowseOptions,
): { kind: AnsweredPage['kind']; form: HtmlForm; values: Record<string, string> } | undefined {
  if (page.status !== 200) return undefined;
  const forms = parseForms(page);
  const consent = forms.find(isConsentForm);
  if (consent !== undefined)
    return { kind: 'consent', form: consent, values: { decision: options.consent ?? 'allow' } };
  const login = forms.find(isLoginForm);
  const username = options.loginAs?.[new URL(page.url).origin] ?? options.username;
  if (login !== undefined && username !== undefined)
    return { kind: 'login', form: login, values: { username } };
  return undefined;
}

/**
 * Walks an authorization request the way a user's browser does: follows every redirect,
 * answers the gateway's consent page, signs in at IdP login forms, and stops before the
 * `stopAt` URL (or on a page it cannot answer).
 */
export async function browse(start: string | URL, options: BrowseOptions = {}): Promise<Ride> {
  const browser = options.browser ?? new Browser();
  const stop = stopPredicate(new URL(start), options.stopAt);
  const firstHop = browser.hops.length;
  const pages: AnsweredPage[] = [];
  let consentShown = false;
  let redirectStatus: number | undefined;
  const ride = (final: URL, end: { stopped: boolean; status?: number; body?: string }): Ride => ({
    final,
    ...end,
    hops: browser.hops.slice(firstHop).map((hop) => new URL(hop.url)),
    pages,
    consentShown,
    ...(redirectStatus === undefined ? {} : { redirectStatus }),
    browser,
  });

  let url = new URL(start);
  let method: 'GET' | 'POST' = 'GET';
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < (options.maxHops ?? 30); hop++) {
    url = options.beforeHop?.(url) ?? url;
    if (stop(url)) return ride(url, { stopped: true });
    const proactive = options.loginAs?.[url.origin];
    if (proactive !== undefined && method === 'GET' && /authorize$/.test(url.pathname)) {
      method = 'POST';
      body = new URLSearchParams(url.searchParams);
      body.set('username', proactive);
      url = new URL(url.origin + url.pathname);
    }
    const response = await browser.request(method, url, body);
    method = 'GET';
    body = undefined;
    if (isRedirect(response)) {
      await response.body?.cancel();
      redirectStatus = response.status;
      url = new URL(response.headers.get('location') ?? '', url);
      continue;
    }
    const page: Page = { url: url.href, status: response.status, html: await response.text() };
    const next = answer(page, options);
    if (next === undefined) return ride(url, { stopped: false, status: page.status, body: page.html });
    pages.push({ kind: next.kind, url: page.url });
    if (next.kind === 'consent') consentShown = true;
    const submission = formSubmission(next.form, next.values);
    method = submission.method;
    body = submission.body;
    url = new URL(submission.url);
  }
  throw new Error(`no end after ${options.maxHops ?? 30} requests from ${start}`);
}

/** What {@link completeLogin} went through. */
export interface LoginOutcome {
  /** The client's redirect URI with `code`, `state`, `iss` (or an error), never fetched. */
  callback: URL;
  /** The pages answered on the way, in order: `consent`, `login` (one per IdP form). */
  pages: AnsweredPage[];
  ride: Ride;
}

/**
 * {@link browse} that must end at the client's redirect URI: the login of a user at the
 * mock IdPs (through the gateway, or at one IdP directly). Throws with the page it could
 * not get past otherwise.
 */
export async function completeLogin(
  browser: Browser,
  authorizationUrl: string | URL,
  options: Omit<BrowseOptions, 'browser' | 'stopAt'> & { redirectUri?: string } = {},
): Promise<LoginOutcome> {
  const { redirectUri, ...rest } = options;
  const ride = await browse(authorizationUrl, {
    ...rest,
    browser,
    ...(redirectUri === undefined ? {} : { stopAt: redirectUri }),
  });
  if (ride.stopped) return { callback: ride.final, pages: ride.pages, ride };
  const page: Page = { url: ride.final.href, status: ride.status ?? 0, html: ride.body ?? '' };
  if (page.status === 200 && parseForms(page).some(isLoginForm))
    throw new Error(`the login form showed, but no username was given (at ${page.url})`);
  throw new Error(`stuck at ${page.url} (HTTP ${page.status}):\n${page.html.slice(0, 2000)}`);
}
