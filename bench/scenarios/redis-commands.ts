import { BENCH_ROUTE } from '../gateway-config.js';
import { type LoadResult, runLoad } from '../load.js';
import {
  type CommandCounts,
  type Counts,
  difference,
  RedisCommandCounter,
  total,
} from '../redis-commands.js';
import type { Row, ScenarioResult } from '../report.js';
import { startBenchServer, startGateway, startMockIdps, startRedis } from '../systems.js';
import type { ScenarioContext } from './context.js';
import { assertServes, gatewayLogin } from './gateway-logins.js';

function mixOf(counts: CommandCounts, n: number): string {
  return Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([name, calls]) => `${name} ${Number((calls / n).toFixed(2))}`)
    .join(', ');
}

/** `1 (evalsha 1; in scripts: get 2, smembers 1)`: commands sent per unit, their mix, and what scripts ran. */
function perUnit(counts: Counts, n: number): string {
  const sent = mixOf(counts.sent, n);
  const inScripts = mixOf(counts.inScripts, n);
  return `${Number((total(counts.sent) / n).toFixed(2))} (${sent || 'none'}${inScripts ? `; in scripts: ${inScripts}` : ''})`;
}

function add(into: Counts, counts: Counts): void {
  for (const part of ['sent', 'inScripts'] as const) {
    for (const [name, calls] of Object.entries(counts[part]))
      into[part][name] = (into[part][name] ?? 0) + calls;
  }
}

/**
 * Scenario 4: the Redis commands a gateway executes per protected request (under load, with 1,
 * 2 and 3 upstreams in the session) and per login leg (3 upstreams), counted by Redis itself
 * (`MONITOR`, which tells the commands a client sent from those a script ran inside Redis). One gateway runs at a time and nothing else talks to this Redis
 * while it counts.
 */
export async function redisCommandsScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { settings, group } = ctx;
  ctx.progress('starting 3 mock IdPs, redis-server, echo backend and 1-, 2- and 3-upstream Redis gateways');
  const [idps, redis, backend] = await Promise.all([
    startMockIdps(group, 3),
    startRedis(group),
    startBenchServer(group, 'echo-backend', 'echo-backend.ts'),
  ]);
  const gateways = [];
  for (const count of [1, 2, 3]) {
    gateways.push(
      await startGateway(group, {
        name: `gateway-${count}up-redis`,
        upstreams: idps.slice(0, count),
        storage: { type: 'redis', url: redis.url, encrypted: settings.redisEncryption },
        backend: backend.ready,
        logDir: ctx.logDir,
        logLevel: settings.gatewayLogLevel,
      }),
    );
  }
  const counter = new RedisCommandCounter(redis.url);
  try {
    const rows: Row[] = [];
    const protectedRequests: Record<string, unknown> = {};
    for (const [index, gateway] of gateways.entries()) {
      const upstreams = index + 1;
      const headers = { authorization: `Bearer ${await gatewayLogin(gateway.url)}` };
      const url = `${gateway.url}${BENCH_ROUTE}`;
      await assertServes(url, headers);
      ctx.progress(`counting ${settings.countedRequests} protected requests, ${upstreams} upstream(s)`);
      let load: LoadResult | undefined;
      const commands = await counter.during(async () => {
        load = await runLoad({
          url,
          headers,
          connections: settings.connections,
          amount: settings.countedRequests,
        });
      });
      const { responses, non2xx, closedByServer } = load!;
      protectedRequests[`${upstreams}`] = { responses, non2xx, closedByServer, commands };
      rows.push({
        scenario: 4,
        measure: `Redis commands per protected request, ${upstreams} upstream${upstreams === 1 ? '' : 's'}`,
        ours: perUnit(commands, responses),
        reference: `${responses} responses, ${non2xx} non-2xx`,
        goal: '= 1',
        met: total(commands.sent) === responses && non2xx === 0,
      });
    }

    const gateway = gateways[2]!;
    ctx.progress(`counting ${settings.countedLogins} logins leg by leg, 3 upstreams`);
    const legs = new Map<string, Counts>();
    const perLogin: Counts = { sent: {}, inScripts: {} };
    for (let i = 0; i < settings.countedLogins; i += 1) {
      add(
        perLogin,
        await counter.during(() =>
          gatewayLogin(gateway.url, async (leg, send) => {
            const before = await counter.snapshot();
            const hop = await send();
            const counts = legs.get(leg) ?? { sent: {}, inScripts: {} };
            add(counts, difference(await counter.snapshot(), before));
            legs.set(leg, counts);
            return hop;
          }),
        ),
      );
    }
    for (const [leg, counts] of legs) {
      rows.push({
        scenario: 4,
        measure: `Redis commands per login leg, ${leg}`,
        ours: perUnit(counts, settings.countedLogins),
      });
    }
    rows.push({
      scenario: 4,
      measure: 'Redis commands per complete 3-upstream login',
      ours: perUnit(perLogin, settings.countedLogins),
    });
    return {
      id: 4,
      title: 'Redis commands sent per protected request and per login leg (MONITOR)',
      rows,
      data: {
        protectedRequests,
        logins: { count: settings.countedLogins, commands: perLogin, legs: Object.fromEntries(legs) },
      },
    };
  } finally {
    await counter.close();
  }
}
