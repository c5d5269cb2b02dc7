import type { AggregateRouteConfig } from '@auth/config';
import type { UpstreamTokenStore } from '@auth/storage';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { AggregateSession } from './aggregate-session.js';
import { BodyError, readJsonBody } from './read-json-body.js';
import { type AggregateStats, SessionRegistry } from './session-registry.js';

/** Options of {@link createAggregateRoute}. */
export interface AggregateRouteOptions {
  route: AggregateRouteConfig;
  logger: Logger;
  /** First wait before a failed backend is tried again (default 500 ms); doubles up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  /** Longest wait between attempts (default 30 s). */
  maxBackoffMs?: number;
  /** Where a revoked gateway session shows: revocation deletes the session's upstream tokens. */
  storage: Pick<UpstreamTokenStore, 'getAllUpstreamTokens'>;
  /** How often the open sessions' gateway sessions are checked for revocation (default 30 s). */
  revocationCheckMs?: number;
}

/** A mounted aggregate route: its handler (after the identity middleware), counts and shutdown. */
export interface AggregateRoute {
  handler: RequestHandler;
  stats(): AggregateStats;
  /** Closes the client sessions whose gateway session was revoked (also run every `revocationCheckMs`). */
  closeRevoked(): Promise<void>;
  /** Closes every client session and its backend sessions. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** JSON-RPC error body of a request the transport never sees (JSON-RPC 2.0 §5). */
function rpcError(
  res: Response,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
) {
  res
    .status(status)
    .set({ 'cache-control': 'no-store', ...headers })
    .json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

/**
 * The aggregate route (docs/architecture.md#the-reference-server): one MCP endpoint over Streamable HTTP for several
 * backend MCP servers, each called with its own provider's upstream token. Mount it after
 * `@auth/identity`'s middleware, which sets `req.identity` on every request.
 */
export function createAggregateRoute(options: AggregateRouteOptions): AggregateRoute {
  const { route, logger } = options;
  const registry = new SessionRegistry(route.sessions);
  let shuttingDown = false;

  const open = (req: Request): AggregateSession => {
    const session = new AggregateSession({
      route,
      identity: req.identity!,
      logger,
      initialBackoffMs: options.initialBackoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      onBackendSession: (delta) => registry.backendSession(delta),
      onInitialized: (id, initialized) => registry.register(id, initialized),
      onClose: (closed) => {
        registry.remove(closed);
        logger.debug({ route: route.path }, 'aggregate session closed');
      },
    });
    registry.admit(session);
    return session;
  };

  const handler: RequestHandler = (req, res, next) => {
    void (async () => {
      const identity = req.identity;
      if (identity === undefined) throw new Error('aggregate route mounted without the identity middleware');
      const sessionId = req.get('mcp-session-id');
      if (sessionId !== undefined) {
        const session = registry.get(sessionId);
        // Another user's (or client's) request gets the same answer as an unknown session.
        if (session === undefined || !session.admits(identity)) {
          rpcError(res, 404, -32001, 'Session not found');
          return;
        }
        session.useIdentity(identity);
        await session.transport.handleRequest(req, res);
        return;
      }
      if (req.method !== 'POST') {
        rpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
        return;
      }
      let body: unknown;
      try {
        body = await readJsonBody(req, MAX_BODY_BYTES);
      } catch (error) {
        if (!(error instanceof BodyError)) throw error;
        rpcError(res, error.status, -32700, `Parse error: ${error.message}`);
        return;
      }
      if (!isInitializeRequest(body)) {
        rpcError(res, 400, -32000, 'Bad Request: No valid session ID provided');
        return;
      }
      if (shuttingDown) {
        rpcError(res, 503, -32000, 'the gateway is shutting down', { 'retry-after': '5' });
        return;
      }
      const refusal = registry.refusal(identity.sessionId);
      if (refusal !== undefined) {
        const bound = refusal === 'total' ? route.sessions.total : route.sessions.perGatewaySession;
        logger.warn({ route: route.path, bound: refusal, limit: bound }, 'aggregate session refused');
        if (refusal === 'total') {
          rpcError(res, 503, -32000, `too many MCP sessions on ${route.path} (limit ${bound}); retry later`, {
            'retry-after': '30',
          });
        } else {
          rpcError(
            res,
            429,
            -32000,
            `too many MCP sessions for this login on ${route.path} (limit ${bound}); end one (HTTP DELETE) and retry`,
          );
        }
        return;
      }
      const session = open(req);
      try {
        await session.connect();
        await session.transport.handleRequest(req, res, body);
      } finally {
        // An initialize the transport refused leaves a session without an id: nothing to keep.
        if (session.transport.sessionId === undefined) await session.close();
      }
    })().catch(next);
  };

  // A revoked gateway session's client can no longer call (its JWT is refused), but the sessions
  // it opened would hold their backend sessions until they time out: end them.
  const closeRevoked = async (): Promise<void> => {
    const byGatewaySession = new Map<string, AggregateSession[]>();
    for (const session of registry.all()) {
      const list = byGatewaySession.get(session.gatewaySessionId) ?? [];
      list.push(session);
      byGatewaySession.set(session.gatewaySessionId, list);
    }
    await Promise.all(
      [...byGatewaySession].map(async ([gatewaySessionId, sessions]) => {
        const tokens = await options.storage.getAllUpstreamTokens(gatewaySessionId).catch(() => undefined);
        if (tokens === undefined || Object.keys(tokens).length > 0) return;
        logger.info(
          { route: route.path, sessions: sessions.length },
          'aggregate sessions of a revoked login closed',
        );
        await Promise.all(sessions.map((session) => session.close()));
      }),
    );
  };
  const sweep = setInterval(() => void closeRevoked(), options.revocationCheckMs ?? 30_000);
  sweep.unref();

  return {
    handler,
    stats: () => registry.stats(),
    closeRevoked,
    async close() {
      clearInterval(sweep);
      shuttingDown = true;
      await Promise.all(registry.all().map((session) => session.close()));
    },
  };
}
