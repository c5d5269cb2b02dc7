import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { callAggregate, type DemoAggregate } from './aggregate-report.js';
import { failurePage, homePage, resultPage, signedOutPage } from './demo-pages.js';
import {
  callRoute,
  type DemoRoute,
  type DemoUpstream,
  decodeJwtPayload,
  type SignInReport,
} from './sign-in-report.js';

/** Options of {@link startDemoClient}. */
export interface DemoClientOptions {
  /** The gateway's issuer. */
  gatewayUrl: string;
  clientId: string;
  port: number;
  /** The gateway's upstreams, in chain order. */
  upstreams: DemoUpstream[];
  /** Protected routes to call after login. */
  routes: DemoRoute[];
  /** The aggregate MCP route to list and call after login, if any. */
  aggregate?: DemoAggregate;
  /**
   * When the gateway obtained each upstream's tokens of a session (epoch ms by upstream name), read
   * from what the gateway stored; the chain drawing shows no time without it.
   */
  legTimes?: (sessionId: string) => Promise<Record<string, number | undefined>>;
}

/** What the client keeps of one signed-in browser (server-side; the browser holds only its id). */
interface ClientSession {
  accessToken: string;
  refreshToken?: string;
  tokenStatus: number;
}

const SESSION_COOKIE = 'demo_client_session';

const sendHtml = (
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(html);
};

function sessionIdOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === SESSION_COOKIE && value !== undefined) return value;
  }
  return undefined;
}

/**
 * The demo's OAuth client: a public client (PKCE S256) that signs in through the gateway's
 * whole chain (consent, then each upstream), then shows the chain as the gateway recorded it, the
 * access token's claims and which upstream credential each backend received (masked), and signs
 * out by revoking the grant (RFC 7009).
 */
export async function startDemoClient(
  options: DemoClientOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const pending = new Map<string, string>();
  const sessions = new Map<string, ClientSession>();
  const redirectUri = `http://127.0.0.1:${options.port}/callback`;
  const gatewayEndpoint = (path: string) => new URL(path, options.gatewayUrl);

  const report = async (session: ClientSession): Promise<SignInReport> => {
    const claims = decodeJwtPayload(session.accessToken);
    const times = typeof claims['tsid'] === 'string' ? await options.legTimes?.(claims['tsid']) : undefined;
    const backends = [];
    for (const route of options.routes)
      backends.push(await callRoute(options.gatewayUrl, route, session.accessToken));
    return {
      legs: options.upstreams.map((upstream) => {
        const obtainedAt = times?.[upstream.name];
        return obtainedAt === undefined ? { upstream } : { upstream, obtainedAt };
      }),
      claims,
      backends,
      ...(options.aggregate === undefined
        ? {}
        : { aggregate: await callAggregate(options.gatewayUrl, options.aggregate, session.accessToken) }),
    };
  };

  const routesHandler = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (url.pathname === '/' && req.method === 'GET') {
      sendHtml(res, 200, homePage(options.upstreams, options.routes, options.aggregate?.path));
      return;
    }
    if (url.pathname === '/login' && req.method === 'GET') {
      const state = randomBytes(16).toString('base64url');
      const verifier = randomBytes(32).toString('base64url');
      pending.set(state, verifier);
      const authorize = gatewayEndpoint('/oauth/authorize');
      authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: options.clientId,
        redirect_uri: redirectUri,
        scope: 'openid profile offline_access',
        state,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      res.writeHead(302, { location: authorize.href }).end();
      return;
    }
    if (url.pathname === '/callback' && req.method === 'GET') {
      const state = url.searchParams.get('state') ?? '';
      const verifier = pending.get(state);
      pending.delete(state);
      if (verifier === undefined || url.searchParams.has('error')) {
        sendHtml(
          res,
          400,
          failurePage(
            url.searchParams.get('error') ?? 'unknown state',
            url.searchParams.get('error_description') ?? '',
          ),
        );
        return;
      }
      const tokenResponse = await fetch(gatewayEndpoint('/oauth/token'), {
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
      if (typeof tokens['access_token'] !== 'string') {
        sendHtml(
          res,
          502,
          failurePage(
            String(tokens['error'] ?? 'token_error'),
            `token endpoint: HTTP ${tokenResponse.status}`,
          ),
        );
        return;
      }
      const id = randomBytes(24).toString('base64url');
      sessions.set(id, {
        accessToken: tokens['access_token'],
        tokenStatus: tokenResponse.status,
        ...(typeof tokens['refresh_token'] === 'string' ? { refreshToken: tokens['refresh_token'] } : {}),
      });
      res
        .writeHead(303, {
          location: '/result',
          'set-cookie': `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`,
        })
        .end();
      return;
    }
    const sessionId = sessionIdOf(req);
    const session = sessionId === undefined ? undefined : sessions.get(sessionId);
    if ((url.pathname === '/result' || url.pathname === '/signout') && session === undefined) {
      res.writeHead(303, { location: '/' }).end();
      return;
    }
    if (url.pathname === '/result' && req.method === 'GET' && session !== undefined) {
      sendHtml(res, 200, resultPage(await report(session), options.upstreams, session.tokenStatus));
      return;
    }
    if (
      url.pathname === '/signout' &&
      req.method === 'POST' &&
      session !== undefined &&
      sessionId !== undefined
    ) {
      sessions.delete(sessionId);
      // RFC 7009 §2.1: revoking the refresh token ends the grant (and, at this gateway, the
      // session's upstream tokens); a public client names itself with client_id.
      const [token, hint] =
        session.refreshToken === undefined
          ? [session.accessToken, 'access_token']
          : [session.refreshToken, 'refresh_token'];
      const revoked = await fetch(gatewayEndpoint('/oauth/revoke'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, token_type_hint: hint, client_id: options.clientId }),
      });
      await revoked.body?.cancel();
      const after = [];
      for (const route of options.routes) {
        const answer = await fetch(gatewayEndpoint(route.path), {
          headers: { authorization: `Bearer ${session.accessToken}` },
        });
        await answer.body?.cancel();
        const challenge = answer.headers.get('www-authenticate');
        after.push({ path: route.path, status: answer.status, ...(challenge === null ? {} : { challenge }) });
      }
      sendHtml(res, 200, signedOutPage(revoked.status, after), {
        'set-cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`,
      });
      return;
    }
    res.writeHead(404).end();
  };

  const server: Server = createServer((req, res) => {
    routesHandler(req, res, new URL(req.url ?? '/', redirectUri)).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`demo client error: ${(error as Error).message}`);
    });
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
