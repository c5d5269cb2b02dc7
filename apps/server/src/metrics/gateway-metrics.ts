import type { ChainEvents, LegOutcome } from '@auth/chain';
import type { IdentityEvents, RefreshResult } from '@auth/identity';
import type { StorageErrorCode } from '@auth/storage';
import type { RequestHandler } from 'express';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The OAuth `error` codes a failed login is counted under (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6);
 * any other value is counted as `other`, so the label stays bounded.
 */
const LOGIN_FAILURE_REASONS = new Set([
  'access_denied',
  'invalid_request',
  'invalid_scope',
  'invalid_target',
  'login_required',
  'consent_required',
  'interaction_required',
  'server_error',
  'temporarily_unavailable',
  'unauthorized_client',
  'unsupported_response_type',
]);

/** A rate limit's name as a label: a short identifier, else `other`. */
const LIMIT_NAME = /^[a-z][a-z0-9_.-]{0,39}$/;

/** Buckets (seconds) of a leg: a person signs in at an IdP, seconds to minutes. */
const LEG_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];
/** Buckets (seconds) of a protected request, proxying included. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The reference server's Prometheus metrics, fed by the packages' event ports and the app. */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** For `createAuthorizationServer({ events })`. */
  readonly chainEvents: ChainEvents;
  /** For `createIdentityMiddleware({ events })`. */
  readonly identityEvents: IdentityEvents;
  /** A protected request ended: `route` is the configured route path, never the request's. */
  protectedRequest(route: string, status: number, seconds: number): void;
  /** A storage call failed with this error. */
  storageError(code: StorageErrorCode): void;
  /** A request was refused by the rate limit `limit`. */
  rateLimited(limit: string): void;
  /** Serves the text exposition (`GET`). */
  readonly handler: RequestHandler;
}

/**
 * Creates the metrics of one gateway on a registry of its own (several gateways in one process
 * keep apart). Labels are bounded: providers and routes from the configuration, OAuth error codes
 * from a fixed set, HTTP status codes; never a user, a client id or a token.
 */
export function createGatewayMetrics(options: {
  providers: readonly string[];
  routes: readonly string[];
}): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const providers = new Set(options.providers);
  const routes = new Set(options.routes);
  const provider = (name: string) => (providers.has(name) ? name : 'other');

  const loginsStarted = new Counter({
    name: 'auth_logins_started_total',
    help: 'Login chains started.',
    registers: [registry],
  });
  const loginsCompleted = new Counter({
    name: 'auth_logins_completed_total',
    help: 'Login chains that issued an authorization code.',
    registers: [registry],
  });
  const loginsFailed = new Counter({
    name: 'auth_logins_failed_total',
    help: 'Login chains that ended with an error sent to the client, by OAuth error code.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const legs = new Counter({
    name: 'auth_upstream_legs_total',
    help: 'Upstream legs, by provider and outcome (completed, failed, skipped).',
    labelNames: ['provider', 'outcome'],
    registers: [registry],
  });
  const legDuration = new Histogram({
    name: 'auth_upstream_leg_duration_seconds',
    help: 'Time from sending the browser to an upstream until its callback was handled.',
    labelNames: ['provider', 'outcome'],
    buckets: LEG_BUCKETS,
    registers: [registry],
  });
  const refreshes = new Counter({
    name: 'auth_upstream_refreshes_total',
    help: 'Upstream token refreshes sent by this process, by provider and result (refreshed, rejected, failed).',
    labelNames: ['provider', 'result'],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'auth_protected_requests_total',
    help: 'Requests on the protected routes, by configured route and HTTP status.',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'auth_protected_request_duration_seconds',
    help: 'Duration of requests on the protected routes (until the response ended), by configured route.',
    labelNames: ['route'],
    buckets: REQUEST_BUCKETS,
    registers: [registry],
  });
  const storageErrors = new Counter({
    name: 'auth_storage_errors_total',
    help: 'Failed storage calls, by storage error code.',
    labelNames: ['code'],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'auth_rate_limited_total',
    help: 'Requests refused by a rate limit, by limit name.',
    labelNames: ['limit'],
    registers: [registry],
  });

  const countRateLimited = (limit: string) =>
    rateLimited.inc({ limit: LIMIT_NAME.test(limit) ? limit : 'other' });
  return {
    registry,
    chainEvents: {
      loginStarted: () => loginsStarted.inc(),
      loginCompleted: () => loginsCompleted.inc(),
      loginFailed: (reason) =>
        loginsFailed.inc({ reason: LOGIN_FAILURE_REASONS.has(reason) ? reason : 'other' }),
      legCompleted: (name: string, outcome: LegOutcome, durationMs: number) => {
        const labels = { provider: provider(name), outcome };
        legs.inc(labels);
        legDuration.observe(labels, durationMs / 1000);
      },
      rateLimited: countRateLimited,
    },
    identityEvents: {
      refresh: (name: string, result: RefreshResult) => refreshes.inc({ provider: provider(name), result }),
    },
    protectedRequest(route, status, seconds) {
      const label = routes.has(route) ? route : 'other';
      requests.inc({ route: label, status: String(status) });
      requestDuration.observe({ route: label }, seconds);
    },
    storageError: (code) => storageErrors.inc({ code }),
    rateLimited: countRateLimited,
    handler: (_req, res, next) => {
      registry.metrics().then(
        (text) => {
          res.set('content-type', registry.contentType).set('cache-control', 'no-store').send(text);
        },
        (error: unknown) => next(error),
      );
    },
  };
}
