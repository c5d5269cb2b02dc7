import type { AggregateBackendConfig } from '@auth/config';
import type { Identity } from '@auth/identity';
import { type UpstreamHeaderRule, upstreamCredential } from '@auth/upstreamswap';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  McpError,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import { BackendFailure, loggableError } from './backend-failure.js';
import { RetryBackoff } from './retry-backoff.js';

/** What a backend connection tells its client session. */
export interface BackendEvents {
  toolsChanged(): void;
  resourcesChanged(): void;
  promptsChanged(): void;
  /** A backend session opened (`+1`) or closed (`-1`). */
  sessionCount(delta: 1 | -1): void;
}

/** Options of {@link BackendConnection}. */
export interface BackendConnectionOptions {
  backend: AggregateBackendConfig;
  /** The identity of the client session's latest request: its upstream tokens are the current ones. */
  identity: () => Identity;
  events: BackendEvents;
  logger: Logger;
  /** First wait after a failed attempt to reach the backend; doubles up to `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** The server's own name and version, sent in `initialize`. */
  clientInfo: { name: string; version: string };
}

/**
 * One MCP client session of one client session to one backend (the SDK's `Client` over
 * Streamable HTTP), opened on first use. Every HTTP request it sends carries the backend's
 * upstream token from the current identity (@auth/upstreamswap's header rules), never the
 * gateway's JWT. A backend that cannot be reached is retried with backoff; a backend that lost
 * the session (404 after a restart) is re-initialized at once.
 */
export class BackendConnection {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private readonly backoff: RetryBackoff;
  private readonly rule: UpstreamHeaderRule;
  private closed = false;

  constructor(private readonly options: BackendConnectionOptions) {
    const { backend } = options;
    this.backoff = new RetryBackoff(options.initialBackoffMs, options.maxBackoffMs);
    this.rule = {
      providerName: backend.upstream,
      headerStrategy: backend.headerStrategy,
      headerName: backend.customHeaderName?.toLowerCase(),
    };
  }

  get name(): string {
    return this.options.backend.name;
  }

  get provider(): string {
    return this.options.backend.upstream;
  }

  /** Whether a backend session is open. */
  get open(): boolean {
    return this.client !== undefined;
  }

  /** The backend's capabilities, once connected. */
  capabilities() {
    return this.client?.getServerCapabilities();
  }

  /**
   * Runs `call` on the backend session (opening it first). Throws {@link BackendFailure} when the
   * provider's token is not usable or the backend cannot be reached; a JSON-RPC error the backend
   * answered passes through as the `McpError` it is, and so does the end of a call the client
   * cancelled (`signal`): the backend session stays.
   */
  async use<T>(call: (client: Client) => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.checkCredential();
    for (let attempt = 1; ; attempt += 1) {
      const client = await this.connect();
      try {
        return await call(client);
      } catch (error) {
        if (signal?.aborted) throw error;
        const sessionLost = error instanceof StreamableHTTPError && error.code === 404;
        if (sessionLost && attempt === 1) {
          // The backend forgot the session (it restarted): a new one, once, without waiting.
          await this.drop();
          continue;
        }
        throw this.failure(error);
      }
    }
  }

  /** Closes the backend session (an HTTP DELETE, then the transport). */
  async close(): Promise<void> {
    this.closed = true;
    await this.drop(true);
  }

  private checkCredential(): void {
    const credential = upstreamCredential(this.options.identity(), this.rule);
    if (credential.ok) return;
    throw new BackendFailure(
      this.name,
      this.provider,
      credential.reason === 'unavailable' ? 'provider_unavailable' : 'sign_in_required',
    );
  }

  private connect(): Promise<Client> {
    if (this.client !== undefined) return Promise.resolve(this.client);
    if (this.closed) return Promise.reject(this.unavailable());
    const wait = this.backoff.waitMs();
    if (wait > 0) return Promise.reject(this.unavailable(wait));
    this.connecting ??= this.openSession().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async openSession(): Promise<Client> {
    const { backend, logger, clientInfo } = this.options;
    const client = new Client(clientInfo, { capabilities: {} });
    const transport = new StreamableHTTPClientTransport(new URL(backend.backend), {
      fetch: this.credentialFetch,
      // The standalone GET stream carries list_changed; a backend that stays away is retried by use().
      reconnectionOptions: {
        initialReconnectionDelay: 500,
        maxReconnectionDelay: 5000,
        reconnectionDelayGrowFactor: 2,
        maxRetries: 3,
      },
    });
    client.onerror = (error) => {
      logger.debug({ backend: backend.name, err: loggableError(error) }, 'aggregate backend transport error');
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, () =>
      this.options.events.toolsChanged(),
    );
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () =>
      this.options.events.resourcesChanged(),
    );
    client.setNotificationHandler(PromptListChangedNotificationSchema, () =>
      this.options.events.promptsChanged(),
    );
    try {
      await client.connect(transport);
    } catch (error) {
      await client.close().catch(() => {});
      throw this.failure(error);
    }
    if (this.closed) {
      await client.close().catch(() => {});
      throw this.unavailable();
    }
    this.backoff.succeeded();
    this.client = client;
    this.options.events.sessionCount(1);
    logger.debug({ backend: backend.name }, 'aggregate backend session opened');
    return client;
  }

  /** The transport's fetch: the upstream credential set on every request, whatever the SDK built. */
  private readonly credentialFetch: FetchLike = async (url, init) => {
    const credential = upstreamCredential(this.options.identity(), this.rule);
    if (!credential.ok) {
      throw new BackendFailure(
        this.name,
        this.provider,
        credential.reason === 'unavailable' ? 'provider_unavailable' : 'sign_in_required',
      );
    }
    const headers = new Headers(init?.headers);
    for (const header of credential.remove) headers.delete(header);
    headers.set(credential.header, credential.value);
    return fetch(url, { ...init, headers });
  };

  /** Maps an error of a call to what the client is told; a transport failure closes the session. */
  private failure(error: unknown): Error {
    if (error instanceof BackendFailure) return error;
    if (
      error instanceof McpError &&
      error.code !== ErrorCode.ConnectionClosed &&
      error.code !== ErrorCode.RequestTimeout
    ) {
      return error; // The backend's own JSON-RPC answer.
    }
    if (error instanceof StreamableHTTPError && (error.code === 401 || error.code === 403)) {
      this.options.logger.info(
        { backend: this.name, provider: this.provider, status: error.code },
        'aggregate backend refused the upstream token',
      );
      void this.drop();
      return new BackendFailure(this.name, this.provider, 'sign_in_required');
    }
    this.options.logger.warn(
      { backend: this.name, provider: this.provider, err: loggableError(error) },
      'aggregate backend unavailable',
    );
    this.backoff.failed();
    void this.drop();
    return this.unavailable(this.backoff.waitMs());
  }

  private unavailable(waitMs?: number): BackendFailure {
    return new BackendFailure(
      this.name,
      this.provider,
      'backend_unavailable',
      waitMs === undefined ? undefined : Math.max(1, Math.ceil(waitMs / 1000)),
    );
  }

  /** Forgets the backend session; with `terminate`, asks the backend to end it first (DELETE). */
  private async drop(terminate = false): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    this.client = undefined;
    this.options.events.sessionCount(-1);
    const transport = client.transport as StreamableHTTPClientTransport | undefined;
    if (terminate) await transport?.terminateSession().catch(() => {});
    await client.close().catch(() => {});
  }
}
