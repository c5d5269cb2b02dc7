import { createHash, randomBytes } from 'node:crypto';

/** One response, read whole (so that a hop is over when its observer sees it end). */
export interface Hop {
  status: number;
  location: string | null;
  body: string;
}

/**
 * Wraps each request sent to the observed origin (the gateway), body included, e.g. to count
 * Redis commands per login leg. `leg` is `METHOD /path`.
 */
export type HopObserver = (leg: string, send: () => Promise<Hop>) => Promise<Hop>;

/** One authorization-code login (RFC 6749 §4.1 with PKCE, RFC 7636) against any authorization server. */
export interface CodeFlowOptions {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  /** Values typed into any HTML form met on the way (a login form); hidden inputs are kept. */
  formFields?: Record<string, string>;
  observe?: { origin: string; hop: HopObserver };
}

/**
 * A browser-like client: follows redirects by hand, keeps cookies per host (names and values,
 * deletions honoured; paths ignored, which the flows measured here do not need) and submits
 * the HTML forms it is shown.
 */
class BrowserSession {
  readonly #jars = new Map<string, Map<string, string>>();

  send(url: URL, init: { method: string; form?: URLSearchParams }, options: CodeFlowOptions): Promise<Hop> {
    const send = () => this.#fetch(url, init);
    return options.observe?.origin === url.origin
      ? options.observe.hop(`${init.method} ${url.pathname}`, send)
      : send();
  }

  async #fetch(url: URL, init: { method: string; form?: URLSearchParams }): Promise<Hop> {
    const jar = this.#jars.get(url.host) ?? new Map<string, string>();
    this.#jars.set(url.host, jar);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers['cookie'] = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, {
      method: init.method,
      redirect: 'manual',
      headers,
      signal: AbortSignal.timeout(10_000),
      ...(init.form === undefined ? {} : { body: init.form }),
    });
    const body = await response.text();
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const deleted = attributes.some((a) => {
        const [key = '', value = ''] = a.trim().toLowerCase().split('=');
        return (
          (key === 'max-age' && Number(value) <= 0) || (key === 'expires' && Date.parse(value) < Date.now())
        );
      });
      if (deleted) jar.delete(name);
      else jar.set(name, pair.slice(eq + 1).trim());
    }
    return { status: response.status, location: response.headers.get('location'), body };
  }
}

function decodeHtml(text: string): string {
  return text.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#x2F;', '/');
}

/** The first POST form of a page: its action and hidden inputs. */
function parseForm(html: string): { action: string; hidden: Record<string, string> } | undefined {
  const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const hidden: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b[^>]*>/gi)) {
    const tag = input[0];
    if (!/\btype="hidden"/i.test(tag)) continue;
    const name = /\bname="([^"]*)"/i.exec(tag)?.[1];
    if (name !== undefined) hidden[name] = decodeHtml(/\bvalue="([^"]*)"/i.exec(tag)?.[1] ?? '');
  }
  return { action: decodeHtml(form[1]!), hidden };
}

/**
 * Runs a complete login as a browser would, from the authorization request to the token
 * response, and returns the access token. Throws with the step that failed.
 */
export async function codeFlowLogin(options: CodeFlowOptions): Promise<string> {
  const session = new BrowserSession();
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  let url = new URL(options.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    scope: options.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  let request: { method: string; form?: URLSearchParams } = { method: 'GET' };
  for (let hop = 0; !url.href.startsWith(options.redirectUri); hop += 1) {
    if (hop > 30) throw new Error('login did not end within 30 hops');
    const response = await session.send(url, request, options);
    if (response.status >= 300 && response.status < 400 && response.location) {
      url = new URL(response.location, url);
      request = { method: 'GET' };
      continue;
    }
    const form = response.status === 200 ? parseForm(response.body) : undefined;
    if (!form) throw new Error(`login stopped at ${url.pathname} with ${response.status}`);
    url = new URL(form.action, url);
    request = { method: 'POST', form: new URLSearchParams({ ...form.hidden, ...options.formFields }) };
  }
  const code = url.searchParams.get('code');
  if (!code || url.searchParams.get('state') !== state) {
    throw new Error(`no code in the final redirect (error: ${url.searchParams.get('error') ?? 'none'})`);
  }
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: options.redirectUri,
    client_id: options.clientId,
    code_verifier: verifier,
  });
  const response = await session.send(new URL(options.tokenEndpoint), { method: 'POST', form }, options);
  let accessToken: unknown;
  try {
    accessToken = (JSON.parse(response.body) as { access_token?: unknown }).access_token;
  } catch {
    // not JSON: reported below
  }
  if (typeof accessToken !== 'string') throw new Error(`token endpoint answered ${response.status}`);
  return accessToken;
}

/** Runs `count` logins, `concurrency` at a time. */
export async function runLogins(count: number, concurrency: number, login: () => Promise<unknown>) {
  let started = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (started < count) {
        started += 1;
        await login();
      }
    }),
  );
}
