import type { LimitDecision, LimitName, RequestLimiter } from '@auth/chain';
import type { LimitsConfig } from '@auth/config';
import type { Cluster, Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  limits: LimitsConfig;
  /** The storage's Redis client: the counters are shared by the replicas. Absent: in memory (one process). */
  redis?: Redis | Cluster;
  /** Prefix of the counters' Redis keys (the storage's `key_prefix`). */
  keyPrefix?: string;
  /** Called for each refused request, with the limit's name (e.g. a metrics counter). */
  onRefused?: (limit: LimitName) => void;
}

/** Each limit's allowance: `points` events per `duration` seconds. */
function allowances(limits: LimitsConfig): Record<LimitName, { points: number; duration: number }> {
  return {
    authorize: { points: limits.authorize.requests, duration: limits.authorize.window },
    register: { points: limits.register.requests, duration: limits.register.window },
    client_auth_address: {
      points: limits.clientAuthFailures.perAddress,
      duration: limits.clientAuthFailures.window,
    },
    client_auth_client: {
      points: limits.clientAuthFailures.perClient,
      duration: limits.clientAuthFailures.window,
    },
  };
}

function retryAfter(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

/**
 * The abuse limits of `@auth/chain` with rate-limiter-flexible (fixed windows): on the storage's
 * Redis, so every replica counts into the same keys, with an in-memory limiter as insurance while
 * Redis does not answer; in memory with memory storage.
 */
export function createRateLimiter(options: RateLimiterOptions): RequestLimiter {
  const limiters = new Map<LimitName, { limiter: RateLimiterAbstract; points: number }>();
  for (const [name, allowance] of Object.entries(allowances(options.limits)) as Array<
    [LimitName, { points: number; duration: number }]
  >) {
    const keyPrefix = `${options.keyPrefix ?? ''}limit:${name}`;
    const memory = new RateLimiterMemory({ ...allowance, keyPrefix });
    const limiter =
      options.redis === undefined
        ? memory
        : new RateLimiterRedis({
            ...allowance,
            keyPrefix,
            storeClient: options.redis,
            insuranceLimiter: memory,
          });
    limiters.set(name, { limiter, points: allowance.points });
  }
  const refuse = (limit: LimitName, msBeforeNext: number): LimitDecision => {
    options.onRefused?.(limit);
    return { allowed: false, retryAfterSeconds: retryAfter(msBeforeNext) };
  };
  return {
    async consume(limit, key) {
      const entry = limiters.get(limit);
      if (entry === undefined) return { allowed: true };
      try {
        await entry.limiter.consume(key);
        return { allowed: true };
      } catch (error) {
        if (error instanceof RateLimiterRes) return refuse(limit, error.msBeforeNext);
        throw error;
      }
    },
    async check(limit, key) {
      const entry = limiters.get(limit);
      if (entry === undefined) return { allowed: true };
      const state = await entry.limiter.get(key);
      return state !== null && state.consumedPoints >= entry.points
        ? refuse(limit, state.msBeforeNext)
        : { allowed: true };
    },
  };
}
