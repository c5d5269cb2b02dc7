import { listen } from '@auth/test-kit';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/** A running {@link startMcpBackend}. */
export interface McpBackend {
  url: string;
  /** HTTP requests received so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/**
 * A real MCP server (the SDK's McpServer over Streamable HTTP, stateless) standing in for
 * the corp backend. Its `whoami` tool answers with the Authorization header it received.
 */
export async function startMcpBackend(): Promise<McpBackend> {
  const state = { requests: 0 };
  const server = await listen(async (req, res) => {
    state.requests += 1;
    const mcp = new McpServer({ name: 'corp-mcp-backend', version: '1.0.0' });
    mcp.registerTool('whoami', { description: 'The credential this backend received' }, (extra) => ({
      content: [
        {
          type: 'text',
          text: JSON.stringify({
            authorization: extra.requestInfo?.headers['authorization'] ?? null,
            path: req.url,
          }),
        },
      ],
    }));
    const transport = new StreamableHTTPServerTransport({}); // no sessionIdGenerator: stateless;
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  });
  return {
    url: server.url,
    get requests() {
      return state.requests;
    },
    close: server.close,
  };
}
