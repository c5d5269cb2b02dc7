import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import * as z from 'zod';
import { type Listening, listen } from './listen.js';

/** What one tool call of an {@link McpBackend} received. */
export interface McpBackendCall {
  tool: string;
  /** The credentials it was called with (`null` when absent). */
  authorization: string | null;
  upstreamToken: string | null;
}

/** A running {@link startMcpBackend}. */
export interface McpBackend {
  name: string;
  /** The MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  url: string;
  port: number;
  /** MCP sessions open now (initialized and not ended). */
  readonly openSessions: number;
  /** Sessions ended by the client (HTTP DELETE). */
  readonly deletedSessions: number;
  readonly calls: readonly McpBackendCall[];
  /** `slow` calls the client cancelled (notifications/cancelled reached the tool). */
  readonly cancelled: number;
  /** Registers one more tool on every open session (each client gets `tools/list_changed`). */
  addTool(name: string): void;
  close(): Promise<void>;
}

const header = (headers: IncomingHttpHeaders | undefined, name: string): string | null => {
  const value = headers?.[name];
  return typeof value === 'string' ? value : null;
};

/**
 * A real MCP server (the SDK's McpServer over Streamable HTTP, with sessions) for aggregate
 * tests. Tools: `whoami` (answers the credentials it received), `slow` (reports progress and waits
 * until cancelled or `steps` are done). Resource `file:///note.txt`, prompt `greet`. Listens on
 * `port` when given (to restart a backend where it was).
 */
export async function startMcpBackend(name: string, options: { port?: number } = {}): Promise<McpBackend> {
  const sessions = new Map<string, { mcp: McpServer; transport: StreamableHTTPServerTransport }>();
  const calls: McpBackendCall[] = [];
  const extraTools: string[] = [];
  const counts = { deleted: 0, cancelled: 0 };

  const whoami = (tool: string) => (extra: { requestInfo?: { headers: IncomingHttpHeaders } }) => {
    const call = {
      tool,
      authorization: header(extra.requestInfo?.headers, 'authorization'),
      upstreamToken: header(extra.requestInfo?.headers, 'x-upstream-token'),
    };
    calls.push(call);
    return { content: [{ type: 'text' as const, text: JSON.stringify({ backend: name, ...call }) }] };
  };

  const newServer = (): McpServer => {
    const mcp = new McpServer({ name: `${name}-mcp-backend`, version: '1.0.0' });
    mcp.registerTool('whoami', { description: `The credentials ${name} received` }, whoami('whoami'));
    mcp.registerTool(
      'slow',
      {
        description: 'Reports progress each 20 ms until cancelled or done',
        inputSchema: { steps: z.number().int() },
      },
      async ({ steps }, extra) => {
        const token = extra._meta?.progressToken;
        extra.signal.addEventListener('abort', () => {
          counts.cancelled += 1;
        });
        for (let step = 1; step <= steps && !extra.signal.aborted; step += 1) {
          if (token !== undefined) {
            await extra
              .sendNotification({
                method: 'notifications/progress',
                params: { progressToken: token, progress: step, total: steps },
              })
              .catch(() => {});
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return { content: [{ type: 'text' as const, text: `done ${steps}` }] };
      },
    );
    mcp.registerResource('note', 'file:///note.txt', { mimeType: 'text/plain' }, (uri) => ({
      contents: [{ uri: uri.href, text: `a note from ${name}` }],
    }));
    mcp.registerPrompt('greet', { argsSchema: { who: z.string() } }, ({ who }) => ({
      messages: [
        { role: 'user' as const, content: { type: 'text' as const, text: `${name} greets ${who}` } },
      ],
    }));
    for (const tool of extraTools) mcp.registerTool(tool, {}, whoami(tool));
    return mcp;
  };

  const server: Listening = await listen(
    async (req, res) => {
      if (!req.url?.startsWith('/mcp')) {
        res.writeHead(404).end();
        return;
      }
      const sessionId = req.headers['mcp-session-id'];
      if (typeof sessionId === 'string') {
        const session = sessions.get(sessionId);
        if (session === undefined) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end('{"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"},"id":null}');
          return;
        }
        await session.transport.handleRequest(req, res);
        return;
      }
      const mcp = newServer();
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, { mcp, transport });
        },
        onsessionclosed: () => {
          counts.deleted += 1;
        },
      });
      transport.onclose = () => {
        if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
      };
      await mcp.connect(transport);
      await transport.handleRequest(req, res);
    },
    options.port === undefined ? {} : { port: options.port },
  );

  return {
    name,
    url: `${server.url}/mcp`,
    port: server.port,
    get openSessions() {
      return sessions.size;
    },
    get deletedSessions() {
      return counts.deleted;
    },
    calls,
    get cancelled() {
      return counts.cancelled;
    },
    addTool(tool) {
      extraTools.push(tool);
      for (const { mcp } of sessions.values()) mcp.registerTool(tool, {}, whoami(tool));
    },
    async close() {
      await Promise.all([...sessions.values()].map(({ mcp }) => mcp.close().catch(() => {})));
      sessions.clear();
      await server.close();
    },
  };
}
