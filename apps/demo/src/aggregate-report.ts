import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { maskToken } from './sign-in-report.js';

/** The demo's aggregate route: one MCP endpoint, and the prefix of each backend's tools. */
export interface DemoAggregate {
  path: string;
  /** Backend names (tool prefixes) with the upstream whose token each receives. */
  backends: ReadonlyArray<{ name: string; upstream: string }>;
}

/** One backend's `whoami` call through the aggregate route. */
export interface AggregateCall {
  tool: string;
  upstream: string;
  /** The backend that answered (the tool's own report). */
  backend?: string;
  /** The credential the backend received, masked, and the (lower-case) header that carried it. */
  received?: string;
  header?: string;
  /** Whether the backend received the gateway's JWT in either header. */
  sawJwt: boolean;
  /** The MCP error text, when the call failed. */
  error?: string;
}

/** What the aggregate route answered: its merged tool list and one call per backend. */
export interface AggregateReport {
  path: string;
  tools: string[];
  calls: AggregateCall[];
  /** A failure before any call (connecting, listing). */
  error?: string;
}

const textOf = (result: unknown): string => {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');
};

/** One `<backend>__whoami` call: what the backend said it received, masked. */
async function callWhoami(
  client: Client,
  backend: { name: string; upstream: string },
  accessToken: string,
): Promise<AggregateCall> {
  const tool = `${backend.name}__whoami`;
  const result = await client.callTool({ name: tool, arguments: {} });
  const text = textOf(result);
  if (result.isError === true) return { tool, upstream: backend.upstream, sawJwt: false, error: text };
  const seen = JSON.parse(text) as {
    backend?: string;
    authorization?: string | null;
    upstreamToken?: string | null;
  };
  const [header, received] =
    typeof seen.upstreamToken === 'string'
      ? ['x-upstream-token', seen.upstreamToken]
      : ['authorization', seen.authorization ?? undefined];
  const sawJwt = [seen.authorization, seen.upstreamToken].some(
    (value) => typeof value === 'string' && value.includes(accessToken),
  );
  return {
    tool,
    upstream: backend.upstream,
    sawJwt,
    ...(seen.backend === undefined ? {} : { backend: seen.backend }),
    ...(received === undefined ? {} : { header, received: maskToken(received) }),
  };
}

/**
 * Connects to the aggregate route with the MCP SDK client (the access token as a bearer token),
 * lists the merged tools and calls each backend's `whoami` once; the session ends after.
 */
export async function callAggregate(
  gatewayUrl: string,
  aggregate: DemoAggregate,
  accessToken: string,
): Promise<AggregateReport> {
  const transport = new StreamableHTTPClientTransport(new URL(aggregate.path, gatewayUrl), {
    requestInit: { headers: { authorization: `Bearer ${accessToken}` } },
  });
  const client = new Client({ name: 'auth-demo-page', version: '1.0.0' });
  try {
    await client.connect(transport);
    const { tools } = await client.listTools();
    const calls: AggregateCall[] = [];
    for (const backend of aggregate.backends) calls.push(await callWhoami(client, backend, accessToken));
    return { path: aggregate.path, tools: tools.map((tool) => tool.name).sort(), calls };
  } catch (error) {
    return { path: aggregate.path, tools: [], calls: [], error: (error as Error).message };
  } finally {
    await transport.terminateSession().catch(() => {});
    await client.close().catch(() => {});
  }
}
