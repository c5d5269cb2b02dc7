import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

/** Options of {@link startDemoClient}. */
export interface DemoClientOptions {
  /** The gateway's issuer. */
  gatewayUrl: string;
  clientId: string;
  port: number;
  /** Protected routes to call after login, e.g. `['/mcp/corp', '/mcp/github']`. */
  routes: string[];
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const mask = (value: unknown) =>
  typeof value === 'string'
    ? value.replace(/^(Bearer )?(.{6}).{6,}$/, (_m, scheme = '', head) => `${scheme}${head}…`)
    : value;

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:1rem;overflow:auto}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/**
 * The demo's OAuth client: a public client (PKCE S256) that logs in through the
 * gateway's whole chain, then calls each protected route and shows which upstream
 * credential each backend received (masked).
 */
export async function startDemoClient(
  options: DemoClientOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const pending = new Map<string, string>();
  const redirectUri = `http://127.0.0.1:${options.port}/callback`;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', redirectUri);
    try {
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          page(
            'Multi-upstream gateway demo',
            `<p>Sign in once; the gateway walks you through every configured identity provider in turn,
then this page calls ${options.routes.map((r) => `<code>${escapeHtml(r)}</code>`).join(' and ')}.</p>
<p><a id="login" href="/login">Sign in through the gateway</a></p>`,
          ),
        );
        return;
      }
      if (url.pathname === '/login') {
        const state = randomBytes(16).toString('base64url');
        const verifier = randomBytes(32).toString('base64url');
        pending.set(state, verifier);
        const authorize = new URL('/oauth/authorize', options.gatewayUrl);
        authorize.search = new URLSearchParams({
          response_type: 'code',
          client_id: options.clientId,
          redirect_uri: redirectUri,
          scope: 'openid profile offline_access',
          state,
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
        }).toString();
        res.writeHead(302, { location: authorize.href });
        res.end();
        return;
      }
      if (url.pathname === '/callback') {
        const state = url.searchParams.get('state') ?? '';
        const verifier = pending.get(state);
        pending.delete(state);
        if (!verifier || url.searchParams.get('error')) {
          res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
          res.end(
            page(
              'Login failed',
              `<pre>${escapeHtml(url.searchParams.get('error') ?? 'unknown state')}: ${escapeHtml(url.searchParams.get('error_description') ?? '')}</pre>`,
            ),
          );
          return;
        }
        const tokenResponse = await fetch(new URL('/oauth/token', options.gatewayUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: url.searchParams.get('code') ?? '',
            redirect_uri: redirectUri,
            client_id: options.clientId,
            code_verifier: verifier,
          }),
        });
        const tokens = (await tokenResponse.json()) as Record<string, unknown>;
        const results: string[] = [];
        for (const route of options.routes) {
          const answer = await fetch(new URL(route, options.gatewayUrl), {
            headers: { authorization: `Bearer ${String(tokens.access_token)}` },
          });
          const echoed = (await answer.json()) as { backend?: string; headers?: Record<string, string> };
          const seen = echoed.headers
            ? Object.fromEntries(
                Object.entries(echoed.headers)
                  .filter(([name]) => name === 'authorization' || name.startsWith('x-upstream'))
                  .map(([name, value]) => [name, mask(value)]),
              )
            : echoed;
          results.push(
            `<h2>${escapeHtml(route)} → ${answer.status}</h2><pre>${escapeHtml(JSON.stringify({ backend: echoed.backend, ...seen }, null, 2))}</pre>`,
          );
        }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          page(
            'Signed in',
            `<p id="result">Token response: HTTP ${tokenResponse.status}, scope <code>${escapeHtml(String(tokens.scope ?? ''))}</code>.</p>${results.join('')}<p><a href="/">Again</a></p>`,
          ),
        );
        return;
      }
      res.writeHead(404).end();
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`demo client error: ${(error as Error).message}`);
    }
  });
  server.listen(options.port, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${options.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
