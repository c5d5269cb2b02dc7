import { BENCH_ROUTE } from '../gateway-config.js';
import { type LoadResult, runLoad } from '../load.js';
import { formatRatio, formatSummary, type Row, type ScenarioResult } from '../report.js';
import { alternate } from '../rounds.js';
import { pairedRatios, summarize } from '../stats.js';
import { startBenchServer, startGateway, startMockIdps, startRedis } from '../systems.js';
import type { ScenarioContext } from './context.js';
import { assertServes, gatewayLogin } from './gateway-logins.js';

type Subject = 'bare-proxy' | 'gateway-memory' | 'gateway-redis';
type Metric = 'rps' | 'p50' | 'p99';

const CLOSE_NOTE =
  'a server closed connections (Connection: close) during the run: autocannon then times responses ' +
  'from requests it wrote on closing connections, so these latencies are inflated (see "closed connections")';

/**
 * Scenario 1: the gateway's protected route (identity → upstream-token swap → proxy) against
 * the tuned bare proxy (express + http-proxy-middleware, keep-alive agent) to the same echo
 * backend, on memory and on Redis storage; every system in its own process.
 */
export async function protectedPathScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { settings, group } = ctx;
  ctx.progress('starting echo backend, bare proxy, 2 mock IdPs, redis-server and 2 gateways');
  const backend = await startBenchServer(group, 'echo-backend', 'echo-backend.ts');
  const [idps, redis, bare] = await Promise.all([
    startMockIdps(group, 2),
    startRedis(group),
    startBenchServer(group, 'bare-proxy', 'bare-proxy.ts', [backend.ready, BENCH_ROUTE]),
  ]);
  const common = {
    upstreams: idps,
    backend: backend.ready,
    logDir: ctx.logDir,
    logLevel: settings.gatewayLogLevel,
  };
  const [memory, onRedis] = await Promise.all([
    startGateway(group, { ...common, name: 'gateway-memory', storage: { type: 'memory' } }),
    startGateway(group, {
      ...common,
      name: 'gateway-redis',
      storage: { type: 'redis', url: redis.url, encrypted: settings.redisEncryption },
    }),
  ]);

  // Each gateway gets the token of a login through its own chain; the bare proxy gets a bearer too,
  // so all three see the same request bytes.
  const targets: Record<Subject, { url: string; headers: Record<string, string> }> = {
    'bare-proxy': { url: `${bare.ready}${BENCH_ROUTE}`, headers: {} },
    'gateway-memory': { url: `${memory.url}${BENCH_ROUTE}`, headers: {} },
    'gateway-redis': { url: `${onRedis.url}${BENCH_ROUTE}`, headers: {} },
  };
  targets['gateway-memory'].headers = { authorization: `Bearer ${await gatewayLogin(memory.url)}` };
  targets['gateway-redis'].headers = { authorization: `Bearer ${await gatewayLogin(onRedis.url)}` };
  targets['bare-proxy'].headers = targets['gateway-memory'].headers;
  for (const target of Object.values(targets)) await assertServes(target.url, target.headers);

  const subjects: Subject[] = ['bare-proxy', 'gateway-memory', 'gateway-redis'];
  const load = (subject: Subject, durationSeconds: number) =>
    runLoad({ ...targets[subject], connections: settings.connections, durationSeconds });
  if (settings.warmupSeconds > 0) {
    ctx.progress(`warm-up: ${settings.warmupSeconds} s each`);
    for (const subject of subjects) await load(subject, settings.warmupSeconds);
  }
  ctx.progress(`${settings.rounds} alternated rounds of ${settings.durationSeconds} s × ${subjects.length}`);
  const rounds = await alternate(subjects, settings.rounds, (subject) =>
    load(subject, settings.durationSeconds),
  );

  const rows: Row[] = [];
  const of = (subject: Subject, metric: Metric) => rounds[subject].map((r) => r[metric]);
  const closed = (subject: Subject) => rounds[subject].reduce((n, r) => n + r.closedByServer, 0);
  const compare = (
    subject: Subject,
    metric: Metric,
    label: string,
    goal?: { text: string; ok: (r: number) => boolean },
  ) => {
    const ours = summarize(of(subject, metric));
    const reference = summarize(of('bare-proxy', metric));
    const ratio = ours.median / reference.median;
    const [digits, unit] = metric === 'rps' ? [0, ''] : [1, ' ms'];
    const closing = metric !== 'rps' && closed(subject) + closed('bare-proxy') > 0;
    rows.push({
      scenario: 1,
      measure: `${label}, ${subject === 'gateway-memory' ? 'memory' : 'Redis'}`,
      ours: formatSummary(ours, digits, unit),
      reference: `bare proxy ${formatSummary(reference, digits, unit)}`,
      ratio: formatRatio(ratio, summarize(pairedRatios(of(subject, metric), of('bare-proxy', metric)))),
      ...(goal === undefined ? {} : { goal: goal.text, met: goal.ok(ratio) }),
      ...(closing ? { note: CLOSE_NOTE } : {}),
    });
  };
  compare('gateway-memory', 'rps', 'throughput req/s', { text: '≥ 0.90', ok: (r) => r >= 0.9 });
  compare('gateway-redis', 'rps', 'throughput req/s', { text: '≥ 0.80', ok: (r) => r >= 0.8 });
  compare('gateway-memory', 'p50', 'p50 latency');
  compare('gateway-redis', 'p50', 'p50 latency');
  compare('gateway-memory', 'p99', 'p99 latency', { text: '≤ 1.50', ok: (r) => r <= 1.5 });
  compare('gateway-redis', 'p99', 'p99 latency', { text: '≤ 1.50', ok: (r) => r <= 1.5 });
  for (const subject of subjects) {
    const sum = (key: 'non2xx' | 'errors' | 'responses') => rounds[subject].reduce((n, r) => n + r[key], 0);
    rows.push({
      scenario: 1,
      measure: `non-2xx / errors / closed connections, ${subject}`,
      ours: `${sum('non2xx')} / ${sum('errors')} / ${closed(subject)} of ${sum('responses')}`,
      goal: '0 / 0 / 0',
      met: sum('non2xx') === 0 && sum('errors') === 0 && closed(subject) === 0,
    });
  }
  return {
    id: 1,
    title: 'protected route vs tuned bare proxy (keep-alive), same backend',
    rows,
    data: { connections: settings.connections, durationSeconds: settings.durationSeconds, rounds } satisfies {
      connections: number;
      durationSeconds: number;
      rounds: Record<Subject, LoadResult[]>;
    },
  };
}
