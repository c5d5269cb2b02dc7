/**
 * The backend MCP server of scenario 6: the MCP SDK's McpServer over Streamable HTTP, with
 * sessions, and one tool, `echo`, that answers a small text (whether a bearer token arrived; never
 * the token). Sessions end with their client's DELETE.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { serve } from './serve.js';

const sessions = new Map<string, StreamableHTTPServerTransport>();

const server = createServer((req, res) => {
  void (async () => {
    const id = req.headers['mcp-session-id'];
    const existing = typeof id === 'string' ? sessions.get(id) : undefined;
    if (existing !== undefined) {
      await existing.handleRequest(req, res);
      return;
    }
    const mcp = new McpServer({ name: 'bench-mcp-backend', version: '1.0.0' });
    mcp.registerTool('echo', { description: 'A small answer' }, (extra) => ({
      content: [
        {
          type: 'text',
          text: `echo; bearer ${extra.requestInfo?.headers['authorization'] === undefined ? 'absent' : 'present'}`,
        },
      ],
    }));
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => void sessions.set(sessionId, transport),
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  })().catch(() => {
    if (!res.headersSent) res.writeHead(500).end();
  });
});
await serve('mcp-backend', server);
