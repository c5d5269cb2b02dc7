import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  type ProgressNotification,
  type Prompt,
  ReadResourceRequestSchema,
  type Resource,
  type ResourceTemplate,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { BackendConnection } from './backend-connection.js';
import { BackendFailure, loggableError } from './backend-failure.js';
import { prefixName, prefixUri, splitPrefixedName, splitPrefixedUri } from './prefixed-name.js';

/** The server side of one client session: the SDK's `McpServer` with the merging handlers. */
export interface AggregateServerOptions {
  connections: readonly BackendConnection[];
  serverInfo: { name: string; version: string };
  logger: Logger;
}

type Lists = {
  tools: Tool[];
  resources: Resource[];
  resourceTemplates: ResourceTemplate[];
  prompts: Prompt[];
};
type ListKind = keyof Lists;

/**
 * An MCP server whose `tools/list`, `resources/list` and `prompts/list` merge the backends'
 * lists under prefixed names (`corp__search`, `corp+file:///a`), and whose calls go to the owning
 * backend. A backend that fails keeps its last listed entries; calling one answers a
 * {@link BackendFailure} (a `tools/call` error result, or a JSON-RPC error elsewhere).
 */
export function createAggregateServer(options: AggregateServerOptions): McpServer {
  const { connections, logger } = options;
  const byName = new Map(connections.map((connection) => [connection.name, connection]));
  // The last list each backend answered, per kind: a failing backend's entries stay listed.
  const lastLists = new Map<string, Partial<Lists>>();
  const mcp = new McpServer(options.serverInfo, {
    capabilities: {
      tools: { listChanged: true },
      resources: { listChanged: true },
      prompts: { listChanged: true },
    },
  });
  const { server } = mcp;

  async function merged<K extends ListKind>(
    kind: K,
    capability: 'tools' | 'resources' | 'prompts',
    list: (
      client: Client,
      cursor: string | undefined,
    ) => Promise<{ items: Lists[K]; nextCursor?: string | undefined }>,
    rename: (backend: string, item: Lists[K][number]) => Lists[K][number],
  ): Promise<Lists[K]> {
    const parts = await Promise.all(
      connections.map(async (connection) => {
        const cached = lastLists.get(connection.name) ?? {};
        try {
          const items = await connection.use(async (client) => {
            if (client.getServerCapabilities()?.[capability] === undefined) return [];
            const all: Lists[K][number][] = [];
            let cursor: string | undefined;
            do {
              const page = await list(client, cursor);
              all.push(...page.items);
              cursor = page.nextCursor;
            } while (cursor !== undefined);
            return all;
          });
          const renamed = items.map((item) => rename(connection.name, item)) as Lists[K];
          lastLists.set(connection.name, { ...cached, [kind]: renamed });
          return renamed;
        } catch (error) {
          logger.info(
            { backend: connection.name, kind, err: loggableError(error) },
            'aggregate backend left out of a list; its last entries stay',
          );
          return (cached[kind] ?? []) as Lists[K];
        }
      }),
    );
    return parts.flat() as Lists[K];
  }

  const owner = (backend: string | undefined, what: string): BackendConnection => {
    const connection = backend === undefined ? undefined : byName.get(backend);
    if (connection === undefined) throw new McpError(ErrorCode.InvalidParams, `unknown ${what}`);
    return connection;
  };

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: await merged(
      'tools',
      'tools',
      async (client, cursor) => {
        const page = await client.listTools(cursor === undefined ? {} : { cursor });
        return { items: page.tools, nextCursor: page.nextCursor };
      },
      (backend, tool) => ({ ...tool, name: prefixName(backend, tool.name) }),
    ),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const target = splitPrefixedName(request.params.name);
    const connection = owner(target?.backend, `tool ${request.params.name}`);
    const progressToken = request.params._meta?.progressToken;
    try {
      return (await connection.use(
        (client) =>
          client.callTool(
            {
              name: target!.name,
              ...(request.params.arguments === undefined ? {} : { arguments: request.params.arguments }),
            },
            undefined,
            {
              signal: extra.signal,
              resetTimeoutOnProgress: true,
              ...(progressToken === undefined
                ? {}
                : {
                    onprogress: (progress) => {
                      const notification: ProgressNotification = {
                        method: 'notifications/progress',
                        params: { ...progress, progressToken },
                      };
                      void extra.sendNotification(notification).catch(() => {});
                    },
                  }),
            },
          ),
        extra.signal,
      )) as CallToolResult;
    } catch (error) {
      if (error instanceof BackendFailure) return error.toToolResult();
      throw error;
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: await merged(
      'resources',
      'resources',
      async (client, cursor) => {
        const page = await client.listResources(cursor === undefined ? {} : { cursor });
        return { items: page.resources, nextCursor: page.nextCursor };
      },
      (backend, resource) => ({
        ...resource,
        uri: prefixUri(backend, resource.uri),
        name: prefixName(backend, resource.name),
      }),
    ),
  }));

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: await merged(
      'resourceTemplates',
      'resources',
      async (client, cursor) => {
        const page = await client.listResourceTemplates(cursor === undefined ? {} : { cursor });
        return { items: page.resourceTemplates, nextCursor: page.nextCursor };
      },
      (backend, template) => ({
        ...template,
        uriTemplate: prefixUri(backend, template.uriTemplate),
        name: prefixName(backend, template.name),
      }),
    ),
  }));

  server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
    const target = splitPrefixedUri(request.params.uri);
    const connection = owner(target?.backend, `resource ${request.params.uri}`);
    try {
      const result = await connection.use(
        (client) => client.readResource({ uri: target!.uri }, { signal: extra.signal }),
        extra.signal,
      );
      return {
        ...result,
        contents: result.contents.map((content) => ({
          ...content,
          uri: prefixUri(connection.name, content.uri),
        })),
      };
    } catch (error) {
      if (error instanceof BackendFailure) throw error.toMcpError();
      throw error;
    }
  });

  server.setRequestHandler(ListPromptsRequestSchema, async () => ({
    prompts: await merged(
      'prompts',
      'prompts',
      async (client, cursor) => {
        const page = await client.listPrompts(cursor === undefined ? {} : { cursor });
        return { items: page.prompts, nextCursor: page.nextCursor };
      },
      (backend, prompt) => ({ ...prompt, name: prefixName(backend, prompt.name) }),
    ),
  }));

  server.setRequestHandler(GetPromptRequestSchema, async (request, extra) => {
    const target = splitPrefixedName(request.params.name);
    const connection = owner(target?.backend, `prompt ${request.params.name}`);
    try {
      return await connection.use(
        (client) => client.getPrompt({ ...request.params, name: target!.name }, { signal: extra.signal }),
        extra.signal,
      );
    } catch (error) {
      if (error instanceof BackendFailure) throw error.toMcpError();
      throw error;
    }
  });

  return mcp;
}
