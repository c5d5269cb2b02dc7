import type { LimitDecision, LimitName, RequestLimiter } from '../request-limiter.js';

/** What a test limiter saw: the keys each limit counted. */
export interface CountingLimiter extends RequestLimiter {
  readonly counted: Array<{ limit: LimitName; key: string }>;
}

/**
 * A limiter allowing `allowances[limit]` events per key and refusing the rest for 30 s; a limit
 * without an allowance is not limited. The reference server's real one (rate-limiter-flexible)
 * is tested in apps/server and e2e/reliability; this one checks how the endpoints use the port.
 */
export function countingLimiter(allowances: Partial<Record<LimitName, number>>): CountingLimiter {
  const counts = new Map<string, number>();
  const counted: Array<{ limit: LimitName; key: string }> = [];
  const decision = (limit: LimitName, used: number): LimitDecision => {
    const allowance = allowances[limit];
    return allowance === undefined || used <= allowance
      ? { allowed: true }
      : { allowed: false, retryAfterSeconds: 30 };
  };
  return {
    counted,
    async consume(limit, key) {
      counted.push({ limit, key });
      const used = (counts.get(`${limit} ${key}`) ?? 0) + 1;
      counts.set(`${limit} ${key}`, used);
      return decision(limit, used);
    },
    async check(limit, key) {
      return decision(limit, (counts.get(`${limit} ${key}`) ?? 0) + 1);
    },
  };
}
