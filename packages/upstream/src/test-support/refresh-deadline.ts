import type { MockIdp } from '@auth/test-kit';
import { expect } from 'vitest';
import type { UpstreamClient } from '../upstream-client.js';
import type { UpstreamRuntime } from '../upstream-client-options.js';
import type { UpstreamError } from '../upstream-error.js';

/**
 * A refresh may take up to `refreshTimeoutMs`, longer than `timeoutMs` (which the client states):
 * a refresh abandoned at `timeoutMs` that the IdP completes later rotates the refresh token away, so
 * the refresh deadline lets a caller that stopped waiting still get the late answer. Without it the
 * refresh is bounded by `timeoutMs` as every other call.
 */
export async function expectRefreshDeadline(
  idp: MockIdp,
  client: (runtime: UpstreamRuntime) => UpstreamClient,
  login: (upstream: UpstreamClient) => Promise<{ tokens: { refreshToken?: string } }>,
  upstreamFailure: (promise: Promise<unknown>) => Promise<UpstreamError>,
): Promise<void> {
  const upstream = client({ timeoutMs: 500, refreshTimeoutMs: 5_000 });
  expect(upstream.timeoutMs).toBe(500);
  const { tokens } = await login(upstream);
  idp.setFaults({ token_delay_ms: 1_000, once: true });
  const refreshed = await upstream.refresh(tokens.refreshToken!);
  expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
  const plain = client({ timeoutMs: 500 });
  idp.setFaults({ token_delay_ms: 1_000, once: true });
  const late = await upstreamFailure(plain.refresh(refreshed.refreshToken!));
  expect(late.code).toBe('ERR_UPSTREAM_TIMEOUT');
  expect(() => client({ timeoutMs: 500, refreshTimeoutMs: 100 })).toThrow(/refreshTimeoutMs/);
}
