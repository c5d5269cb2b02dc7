import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BENCH_AGGREGATE_ROUTE } from '../gateway-config.js';
import { type LoadResult, runLoad } from '../load.js';
import { formatRatio, formatSummary, type Row, type ScenarioResult } from '../report.js';
import { alternate } from '../rounds.js';
import { pairedRatios, summarize } from '../stats.js';
import { startBenchServer, startGateway, startMockIdps } from '../systems.js';
import type { ScenarioContext } from './context.js';
import { gatewayLogin } from './gateway-logins.js';

type Subject = 'direct' | 'aggregate';

/** An MCP session opened by the SDK's client at `url`; what a raw `tools/call` POST on it needs. */
async function openSession(url: string, headers: Record<string, string>) {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  const tools = (await client.listTools()).tools.map((tool) => tool.name);
  return {
    client,
    tools,
    headers: {
      ...headers,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': transport.sessionId!,
      'mcp-protocol-version': transport.protocolVersion ?? '2025-06-18',
    },
  };
}

/**
 * Scenario 6: `tools/call` through the gateway's aggregate route (identity, one MCP server, an
 * SDK client session to the backend with the upstream token) against the same call straight to
 * the backend MCP server; each request a raw JSON-RPC POST on an open session, with its own id.
 */
export async function aggregateCallScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { settings, group } = ctx;
  ctx.progress('starting the MCP backend, a mock IdP and a gateway with an aggregate route');
  const [backend, idps] = await Promise.all([
    startBenchServer(group, 'mcp-backend', 'mcp-backend.ts'),
    startMockIdps(group, 1),
  ]);
  const gateway = await startGateway(group, {
    name: 'gateway-aggregate',
    upstreams: idps,
    storage: { type: 'memory' },
    backend: backend.ready,
    mcpBackend: backend.ready,
    logDir: ctx.logDir,
    logLevel: settings.gatewayLogLevel,
  });
  const token = await gatewayLogin(gateway.url);
  const sessions = {
    direct: await openSession(backend.ready, {}),
    aggregate: await openSession(`${gateway.url}${BENCH_AGGREGATE_ROUTE}`, {
      authorization: `Bearer ${token}`,
    }),
  };
  if (!sessions.aggregate.tools.includes('corp__echo') || !sessions.direct.tools.includes('echo')) {
    throw new Error(`unexpected tools: ${JSON.stringify([sessions.direct.tools, sessions.aggregate.tools])}`);
  }
  const tool: Record<Subject, string> = { direct: 'echo', aggregate: 'corp__echo' };
  const load = (subject: Subject, durationSeconds: number) =>
    runLoad({
      url: subject === 'direct' ? backend.ready : `${gateway.url}${BENCH_AGGREGATE_ROUTE}`,
      headers: sessions[subject].headers,
      method: 'POST',
      bodyFor: (n) =>
        JSON.stringify({
          jsonrpc: '2.0',
          id: n + 1,
          method: 'tools/call',
          params: { name: tool[subject], arguments: {} },
        }),
      connections: settings.connections,
      durationSeconds,
    });
  const subjects: Subject[] = ['direct', 'aggregate'];
  try {
    if (settings.warmupSeconds > 0) {
      ctx.progress(`warm-up: ${settings.warmupSeconds} s each`);
      for (const subject of subjects) await load(subject, settings.warmupSeconds);
    }
    ctx.progress(
      `${settings.rounds} alternated rounds of ${settings.durationSeconds} s × ${subjects.length}`,
    );
    const rounds = await alternate(subjects, settings.rounds, (subject) =>
      load(subject, settings.durationSeconds),
    );
    const of = (subject: Subject, metric: 'rps' | 'p50' | 'p99') => rounds[subject].map((r) => r[metric]);
    const rows: Row[] = (['rps', 'p50', 'p99'] as const).map((metric) => {
      const ours = summarize(of('aggregate', metric));
      const reference = summarize(of('direct', metric));
      const [digits, unit] = metric === 'rps' ? [0, ''] : [1, ' ms'];
      return {
        scenario: 6,
        measure: `tools/call ${metric === 'rps' ? 'throughput req/s' : `${metric} latency`}, aggregate route`,
        ours: formatSummary(ours, digits, unit),
        reference: `straight to the backend ${formatSummary(reference, digits, unit)}`,
        ratio: formatRatio(
          ours.median / reference.median,
          summarize(pairedRatios(of('aggregate', metric), of('direct', metric))),
        ),
      };
    });
    for (const subject of subjects) {
      const sum = (key: 'non2xx' | 'errors' | 'responses') => rounds[subject].reduce((n, r) => n + r[key], 0);
      rows.push({
        scenario: 6,
        measure: `non-2xx / errors, ${subject}`,
        ours: `${sum('non2xx')} / ${sum('errors')} of ${sum('responses')}`,
        goal: '0 / 0',
        met: sum('non2xx') === 0 && sum('errors') === 0,
      });
    }
    return {
      id: 6,
      title: 'tools/call through the aggregate route vs straight to the backend MCP server',
      rows,
      data: {
        connections: settings.connections,
        durationSeconds: settings.durationSeconds,
        rounds,
      } satisfies {
        connections: number;
        durationSeconds: number;
        rounds: Record<Subject, LoadResult[]>;
      },
    };
  } finally {
    await Promise.all(Object.values(sessions).map(({ client }) => client.close().catch(() => {})));
  }
}
