import { createMemoryStorage, StorageUnavailableError } from '@auth/storage';
import { type GatewayLogin, loginThroughGateway, registerClient, runChain } from '@auth/test-kit';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../gateway/create-gateway.js';
import { parseExposition, type Sample, sampleValue } from '../test-support/exposition.js';
import { startTwoUpstreamGateway, type TwoUpstreamGateway } from '../test-support/two-upstream-gateway.js';
import { countStorageErrors } from './count-storage-errors.js';

/** `/metrics` of a real gateway after real logins and protected requests (the mock IdPs, an echo backend). */
describe('/metrics on the reference server', () => {
  let stack: TwoUpstreamGateway;
  let gateway: Gateway;
  let url: string;
  let login: GatewayLogin;
  let samples: Sample[];
  let text: string;

  beforeAll(async () => {
    stack = await startTwoUpstreamGateway();
    ({ gateway, url } = stack);
    const { github } = stack;

    // One login, one login refused at the second IdP, then a few protected requests.
    login = await loginThroughGateway(url, { username: 'alice' });
    github.setFaults({ authorize_error: 'access_denied' });
    const refused = await runChain(await registerClient(url), {}, { username: 'alice' });
    expect(refused.callback.searchParams.get('error')).toBe('access_denied');
    github.clearFaults();
    // The corp token expired: the first request on /mcp/corp refreshes it at the IdP.
    const { tsid } = decodeJwt(login.tokens.access_token) as { tsid: string };
    const held = await gateway.storage.getUpstreamTokens(tsid, 'corp');
    expect(
      await gateway.storage.replaceUpstreamTokens(tsid, 'corp', { ...held!, expiresAt: Date.now() - 1000 }),
    ).toBe(true);
    const bearer = { authorization: `Bearer ${login.tokens.access_token}` };
    for (const path of ['/mcp/corp', '/mcp/corp/tools/list', '/mcp/github/repos/1']) {
      expect((await fetch(`${url}${path}`, { headers: bearer })).status).toBe(200);
    }
    expect((await fetch(`${url}/mcp/corp/x`)).status).toBe(401);

    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    text = await response.text();
    samples = parseExposition(text);
  });
  afterAll(() => stack?.close());

  it('counts logins started, completed and failed by OAuth error code', () => {
    expect(sampleValue(samples, 'auth_logins_started_total')).toBe(2);
    expect(sampleValue(samples, 'auth_logins_completed_total')).toBe(1);
    expect(sampleValue(samples, 'auth_logins_failed_total', { reason: 'access_denied' })).toBe(1);
    expect(samples.filter((s) => s.name === 'auth_logins_failed_total')).toHaveLength(1);
  });

  it('counts legs by provider and outcome, with their durations', () => {
    expect(sampleValue(samples, 'auth_upstream_legs_total', { provider: 'corp', outcome: 'completed' })).toBe(
      2,
    );
    expect(
      sampleValue(samples, 'auth_upstream_legs_total', { provider: 'github', outcome: 'completed' }),
    ).toBe(1);
    expect(sampleValue(samples, 'auth_upstream_legs_total', { provider: 'github', outcome: 'failed' })).toBe(
      1,
    );
    expect(
      sampleValue(samples, 'auth_upstream_leg_duration_seconds_count', {
        provider: 'corp',
        outcome: 'completed',
      }),
    ).toBe(2);
    expect(
      sampleValue(samples, 'auth_upstream_leg_duration_seconds_bucket', {
        provider: 'corp',
        outcome: 'completed',
        le: '+Inf',
      }),
    ).toBe(2);
  });

  it('counts protected requests by configured route (not the request path) and status, with durations', () => {
    expect(sampleValue(samples, 'auth_protected_requests_total', { route: '/mcp/corp', status: '200' })).toBe(
      2,
    );
    expect(
      sampleValue(samples, 'auth_protected_requests_total', { route: '/mcp/github', status: '200' }),
    ).toBe(1);
    expect(sampleValue(samples, 'auth_protected_requests_total', { route: '/mcp/corp', status: '401' })).toBe(
      1,
    );
    expect(
      sampleValue(samples, 'auth_protected_request_duration_seconds_count', { route: '/mcp/corp' }),
    ).toBe(3);
    const routes = new Set(samples.filter((s) => s.labels.route !== undefined).map((s) => s.labels.route));
    expect([...routes].sort()).toEqual(['/mcp/corp', '/mcp/github']);
  });

  it('counts upstream refreshes by provider and result', () => {
    expect(
      sampleValue(samples, 'auth_upstream_refreshes_total', { provider: 'corp', result: 'refreshed' }),
    ).toBe(1);
    expect(samples.filter((s) => s.name === 'auth_upstream_refreshes_total')).toHaveLength(1);
  });

  it('declares the storage-error and rate-limit families, and nothing yet counted in them', () => {
    for (const name of ['auth_storage_errors_total', 'auth_rate_limited_total']) {
      expect(text).toContain(`# TYPE ${name} counter`);
      expect(samples.filter((s) => s.name === name)).toEqual([]);
    }
  });

  it('labels hold no user, client id or token', () => {
    for (const value of [login.clientId, login.tokens.access_token, login.code, 'alice']) {
      expect(text).not.toContain(value);
    }
  });

  it('counts rate-limit refusals by limit name, and a name that is not an identifier as other', async () => {
    gateway.metrics!.rateLimited('token');
    gateway.metrics!.chainEvents.rateLimited!('token');
    gateway.metrics!.rateLimited('Bearer abc.def');
    const after = parseExposition(await (await fetch(`${url}/metrics`)).text());
    expect(sampleValue(after, 'auth_rate_limited_total', { limit: 'token' })).toBe(2);
    expect(sampleValue(after, 'auth_rate_limited_total', { limit: 'other' })).toBe(1);
  });

  it('counts storage errors by code', async () => {
    const storage = createMemoryStorage();
    const counted: string[] = [];
    const wrapped = countStorageErrors(storage, (code) => counted.push(code));
    await wrapped.ping();
    await storage.close();
    await expect(wrapped.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(wrapped.getClient('c')).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(counted).toEqual(['ERR_STORAGE_UNAVAILABLE', 'ERR_STORAGE_UNAVAILABLE']);
    // The gateway's storage is the counting one: a failed read shows in /metrics.
    await gateway.storage.close();
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    const after = parseExposition(await (await fetch(`${url}/metrics`)).text());
    expect(sampleValue(after, 'auth_storage_errors_total', { code: 'ERR_STORAGE_UNAVAILABLE' })).toBe(1);
  });
});
