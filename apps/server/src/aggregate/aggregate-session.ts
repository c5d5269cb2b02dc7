import { randomUUID } from 'node:crypto';
import type { AggregateRouteConfig } from '@auth/config';
import type { Identity } from '@auth/identity';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from 'pino';
import { createAggregateServer } from './aggregate-server.js';
import { BackendConnection } from './backend-connection.js';

/** Options of {@link AggregateSession}. */
export interface AggregateSessionOptions {
  route: AggregateRouteConfig;
  /** The identity of the request that opened the session. */
  identity: Identity;
  logger: Logger;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A backend session opened (`+1`) or closed (`-1`). */
  onBackendSession(delta: 1 | -1): void;
  /** The transport gave the session its id (while answering `initialize`). */
  onInitialized(sessionId: string, session: AggregateSession): void;
  /** The session ended (DELETE, transport closed, gateway shutdown). */
  onClose(session: AggregateSession): void;
}

const SERVER_INFO = { name: 'auth-server-aggregate', version: '0.1.0' };

/**
 * One MCP client session of an aggregate route: the SDK's Streamable HTTP server transport and
 * server, and one backend session per backend, opened on first use. It belongs to the user and
 * client that opened it; each request's identity becomes the one whose upstream tokens the
 * backends receive next.
 */
export class AggregateSession {
  readonly transport: StreamableHTTPServerTransport;
  private readonly mcp: McpServer;
  private readonly connections: BackendConnection[];
  private current: Identity;
  private closing: Promise<void> | undefined;
  private ending: Promise<void> | undefined;

  constructor(private readonly options: AggregateSessionOptions) {
    this.current = options.identity;
    this.transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => options.onInitialized(sessionId, this),
      // A DELETE is answered once the backend sessions are ended too.
      onsessionclosed: () => this.endBackends(),
    });
    const events = {
      toolsChanged: () => void this.mcp.server.sendToolListChanged().catch(() => {}),
      resourcesChanged: () => void this.mcp.server.sendResourceListChanged().catch(() => {}),
      promptsChanged: () => void this.mcp.server.sendPromptListChanged().catch(() => {}),
      sessionCount: options.onBackendSession,
    };
    this.connections = options.route.backends.map(
      (backend) =>
        new BackendConnection({
          backend,
          identity: () => this.current,
          events,
          logger: options.logger,
          initialBackoffMs: options.initialBackoffMs,
          maxBackoffMs: options.maxBackoffMs,
          clientInfo: SERVER_INFO,
        }),
    );
    this.mcp = createAggregateServer({
      connections: this.connections,
      serverInfo: SERVER_INFO,
      logger: options.logger,
    });
    this.mcp.server.onclose = () => void this.close();
  }

  /** The user the session belongs to. */
  get subject(): string {
    return this.options.identity.subject;
  }

  get clientId(): string {
    return this.options.identity.clientId;
  }

  /** The gateway session (`tsid`) of the latest request. */
  get gatewaySessionId(): string {
    return this.current.sessionId;
  }

  /** Whether `identity` may use this session: the same user through the same client. */
  admits(identity: Identity): boolean {
    return identity.subject === this.subject && identity.clientId === this.clientId;
  }

  /** The identity whose upstream tokens the backends receive from now on. */
  useIdentity(identity: Identity): void {
    this.current = identity;
  }

  async connect(): Promise<void> {
    await this.mcp.connect(this.transport);
  }

  /** Ends the session: every backend session is closed (DELETE), then the client's transport. */
  close(): Promise<void> {
    this.closing ??= this.endBackends().then(() => this.mcp.close().catch(() => {}));
    return this.closing;
  }

  /** Leaves the registry and ends every backend session (HTTP DELETE at each backend). */
  private endBackends(): Promise<void> {
    this.ending ??= (async () => {
      this.options.onClose(this);
      await Promise.all(this.connections.map((connection) => connection.close()));
    })();
    return this.ending;
  }
}
