import { processCpuMs } from '../cpu-time.js';
import { BENCH_CLIENT } from '../gateway-config.js';
import { codeFlowLogin, runLogins } from '../login-client.js';
import type { RunningProcess } from '../processes.js';
import { formatRatio, formatSummary, type Row, type ScenarioResult } from '../report.js';
import { alternate } from '../rounds.js';
import { summarize } from '../stats.js';
import { startBenchServer, startGateway, startMockIdps, startRedis } from '../systems.js';
import type { ScenarioContext } from './context.js';
import { gatewayLogin } from './gateway-logins.js';

const REFERENCE = 'oidc-provider';

/** A process that logs users in, and how to drive one login through it. */
interface LoginSystem {
  label: string;
  upstreams: number;
  process: RunningProcess;
  login: () => Promise<string>;
}

/** One login round: what the measured process spent per login. */
interface LoginRound {
  cpuMsPerLogin: number;
  wallMsPerLogin: number;
}

/**
 * Scenario 3: the gateway's CPU time per complete login (authorization request, every upstream
 * leg, code, token) with 1, 2 and 3 upstreams, on memory and on Redis, next to node-oidc-provider's
 * own single-provider code flow (login form, consent, code, token), all in one run. CPU is read
 * from /proc for the measured process only: the IdPs, Redis and the client are not counted.
 */
export async function loginCpuScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { settings, group } = ctx;
  ctx.progress('starting 3 mock IdPs, redis-server, 6 gateways and node-oidc-provider');
  const [idps, redis, backend, provider] = await Promise.all([
    startMockIdps(group, 3),
    startRedis(group),
    startBenchServer(group, 'echo-backend', 'echo-backend.ts'),
    startBenchServer(group, REFERENCE, 'oidc-provider.ts', [BENCH_CLIENT.clientId, BENCH_CLIENT.redirectUri]),
  ]);
  const systems = new Map<string, LoginSystem>();
  for (const storage of ['memory', 'redis'] as const) {
    for (const count of [1, 2, 3]) {
      const name = `gateway-${count}up-${storage}`;
      const gateway = await startGateway(group, {
        name,
        upstreams: idps.slice(0, count),
        storage:
          storage === 'memory'
            ? { type: 'memory' }
            : { type: 'redis', url: redis.url, encrypted: settings.redisEncryption },
        backend: backend.ready,
        logDir: ctx.logDir,
        logLevel: settings.gatewayLogLevel,
      });
      systems.set(name, {
        process: gateway,
        login: () => gatewayLogin(gateway.url),
        label: `${count} upstream${count === 1 ? '' : 's'}, ${storage}`,
        upstreams: count,
      });
    }
  }
  systems.set(REFERENCE, {
    label: 'node-oidc-provider code flow',
    upstreams: 1,
    process: provider,
    login: () =>
      codeFlowLogin({
        authorizationEndpoint: `${provider.ready}/auth`,
        tokenEndpoint: `${provider.ready}/token`,
        clientId: BENCH_CLIENT.clientId,
        redirectUri: BENCH_CLIENT.redirectUri,
        scope: 'openid',
        formFields: { login: 'bench', password: 'bench' },
      }),
  });

  const subjects = [...systems.keys()];
  const { logins, loginConcurrency } = settings;
  ctx.progress(`warm-up: ${settings.loginWarmup} logins each`);
  for (const subject of subjects) {
    const system = systems.get(subject)!;
    await system.login(); // fails here, with the step, if a flow is broken
    await runLogins(settings.loginWarmup, loginConcurrency, system.login);
  }
  ctx.progress(`${settings.rounds} alternated rounds of ${logins} logins × ${subjects.length}`);
  const rounds = await alternate(subjects, settings.rounds, async (subject): Promise<LoginRound> => {
    const system = systems.get(subject)!;
    const cpuBefore = processCpuMs(system.process.pid);
    const started = performance.now();
    await runLogins(logins, loginConcurrency, system.login);
    const wall = performance.now() - started;
    return {
      cpuMsPerLogin: (processCpuMs(system.process.pid) - cpuBefore) / logins,
      wallMsPerLogin: wall / logins,
    };
  });

  const cpu = (subject: string) => summarize((rounds[subject] ?? []).map((r) => r.cpuMsPerLogin));
  const reference = cpu(REFERENCE);
  const rows: Row[] = subjects
    .filter((s) => s !== REFERENCE)
    .map((subject) => {
      const { label, upstreams } = systems.get(subject)!;
      const ours = cpu(subject);
      const ratio = ours.median / reference.median;
      return {
        scenario: 3,
        measure: `gateway CPU ms per login, ${label}`,
        ours: formatSummary(ours, 2),
        reference: `${REFERENCE} ${formatSummary(reference, 2)}`,
        ratio: formatRatio(ratio),
        ...(upstreams === 2 ? { goal: '< 1.00', met: ratio < 1 } : {}),
      };
    });
  return {
    id: 3,
    title: 'gateway CPU per complete login vs node-oidc-provider code flow',
    rows,
    data: { logins, loginConcurrency, rounds },
  };
}
