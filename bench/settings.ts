import { randomUUID } from 'node:crypto';

/** What one `npm run bench` does, read from `BENCH_*` environment variables (defaults in brackets). */
export interface BenchSettings {
  /** `BENCH_DURATION` [6]: seconds of load per measured round. */
  durationSeconds: number;
  /** `BENCH_WARMUP` [2]: seconds of load per system before its first round. */
  warmupSeconds: number;
  /** `BENCH_CONNECTIONS` [16]: connections the load generator keeps open. */
  connections: number;
  /** `BENCH_ROUNDS` [3]: alternated rounds per system (A B A B …). */
  rounds: number;
  /** `BENCH_TOKENS` [20000]: distinct tokens rotated in scenario 2. */
  distinctTokens: number;
  /** `BENCH_LOGINS` [100]: complete logins per system and round in scenario 3. */
  logins: number;
  /** `BENCH_LOGIN_WARMUP` [10]: logins per system before its first round. */
  loginWarmup: number;
  /** `BENCH_LOGIN_CONCURRENCY` [2]: logins in flight at once. */
  loginConcurrency: number;
  /** `BENCH_COUNTED_REQUESTS` [1000]: protected requests sent per gateway in scenario 4 (its counts are per response). */
  countedRequests: number;
  /** `BENCH_COUNTED_LOGINS` [10]: logins whose Redis commands scenario 4 counts, leg by leg. */
  countedLogins: number;
  /** `BENCH_SESSIONS` [100000]: sessions stored in scenario 5. */
  sessions: number;
  /** `BENCH_SCENARIOS` [1,2,3,4,5,6]: which scenarios run. */
  scenarios: ReadonlySet<number>;
  /** `BENCH_LOG_LEVEL` [info]: the gateways' `--log-level` (info keeps the access log on, as deployed). */
  gatewayLogLevel: string;
  /** `BENCH_REDIS_ENCRYPTION` [0]: `1` runs the Redis gateways with tokens encrypted at rest. */
  redisEncryption: boolean;
  /** `BENCH_OUT` [bench/results.json]: where the results are written. */
  out: string;
  /** `BENCH_TIMEOUT` [900]: seconds after which the whole run is abandoned (children killed, exit 1). */
  timeoutSeconds: number;
  /** `BENCH_RUN_ID` [random]: put in every child's environment as BENCH_RUN_ID, so tools can check none is left. */
  runId: string;
  // `BENCH_PROFILE` [unset]: a folder; the gateways and bench servers write CPU profiles there (see systems.ts).
  /** `BENCH_KEEP_LOGS` [0]: `1` keeps the processes' logs and configs (always kept on failure). */
  keepLogs: boolean;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}`);
  return value;
}

/** Reads and checks the settings; a malformed value throws naming the variable. */
export function readSettings(env: NodeJS.ProcessEnv, defaultOut: string): BenchSettings {
  const scenarios = new Set(
    (env['BENCH_SCENARIOS'] ?? '1,2,3,4,5,6')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map(Number),
  );
  for (const s of scenarios) {
    if (![1, 2, 3, 4, 5, 6].includes(s)) throw new Error('BENCH_SCENARIOS lists numbers from 1 to 6');
  }
  return {
    durationSeconds: integer(env, 'BENCH_DURATION', 6),
    warmupSeconds: integer(env, 'BENCH_WARMUP', 2, 0),
    connections: integer(env, 'BENCH_CONNECTIONS', 16),
    rounds: integer(env, 'BENCH_ROUNDS', 3),
    distinctTokens: integer(env, 'BENCH_TOKENS', 20_000),
    logins: integer(env, 'BENCH_LOGINS', 100),
    loginWarmup: integer(env, 'BENCH_LOGIN_WARMUP', 10, 0),
    loginConcurrency: integer(env, 'BENCH_LOGIN_CONCURRENCY', 2),
    countedRequests: integer(env, 'BENCH_COUNTED_REQUESTS', 1000),
    countedLogins: integer(env, 'BENCH_COUNTED_LOGINS', 10),
    sessions: integer(env, 'BENCH_SESSIONS', 100_000),
    scenarios,
    gatewayLogLevel: env['BENCH_LOG_LEVEL'] ?? 'info',
    redisEncryption: env['BENCH_REDIS_ENCRYPTION'] === '1',
    out: env['BENCH_OUT'] ?? defaultOut,
    timeoutSeconds: integer(env, 'BENCH_TIMEOUT', 900),
    runId: env['BENCH_RUN_ID'] || randomUUID(),
    keepLogs: env['BENCH_KEEP_LOGS'] === '1',
  };
}
