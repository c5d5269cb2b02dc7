import { createMemoryStorage } from '@auth/storage';
import { login, type MockIdpFaults, runChain } from '@auth/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorRedirect, expectNoLeaks, registeredClient } from './test-support/flow.js';
import { type Harness, startHarness } from './test-support/gateway-harness.js';
import { type RecordingStorage, recordSessions } from './test-support/recording-storage.js';

// Generous enough that a normal leg never hits it on a loaded machine.
const TIMEOUT_MS = 2000;

/** Every mock IdP fault that must abort a required leg, and the client error it gives (docs/architecture.md#chain-failures-and-optional-upstreams). */
const FAULTS: Array<[string, MockIdpFaults, string]> = [
  ['authorize error access_denied', { authorize_error: 'access_denied' }, 'access_denied'],
  [
    'authorize error temporarily_unavailable',
    { authorize_error: 'temporarily_unavailable' },
    'temporarily_unavailable',
  ],
  ['authorize error invalid_scope', { authorize_error: 'invalid_scope' }, 'server_error'],
  ['token endpoint 500', { token_status: 500 }, 'temporarily_unavailable'],
  ['token endpoint 503', { token_status: 503 }, 'temporarily_unavailable'],
  ['token endpoint invalid_grant', { token_error: 'invalid_grant' }, 'server_error'],
  ['token endpoint delay past the timeout', { token_delay_ms: TIMEOUT_MS + 1500 }, 'temporarily_unavailable'],
  ['ID token with a bad signature', { id_token: 'bad_signature' }, 'server_error'],
  ['ID token with a wrong nonce', { id_token: 'wrong_nonce' }, 'server_error'],
  ['ID token with a wrong audience', { id_token: 'wrong_audience' }, 'server_error'],
  ['ID token with a wrong issuer', { id_token: 'wrong_issuer' }, 'server_error'],
  ['expired ID token', { id_token: 'expired' }, 'server_error'],
  ['ID token with alg none', { id_token: 'alg_none' }, 'server_error'],
  ['wrong iss in the authorization response', { response_iss: 'wrong' }, 'server_error'],
];

describe('chain failures', () => {
  let h: Harness;
  let storage: RecordingStorage;
  beforeAll(async () => {
    storage = recordSessions(createMemoryStorage());
    h = await startHarness({
      upstreams: [
        { name: 'first', mode: 'oidc' },
        { name: 'second', mode: 'oidc' },
      ],
      storage,
      upstreamTimeoutMs: TIMEOUT_MS,
    });
  });
  afterEach(() => {
    for (const idp of Object.values(h.idps)) idp.clearFaults();
  });
  afterAll(async () => {
    try {
      await h.close();
    } finally {
      await storage.close();
    }
  });

  for (const [leg, provider] of [
    [1, 'first'],
    [2, 'second'],
  ] as const) {
    for (const [label, faults, expected] of FAULTS) {
      it(`leg ${leg}: ${label} → ${expected}, no upstream token left`, async () => {
        const fc = await registeredClient(h);
        h.idps[provider]!.setFaults(faults);
        storage.sessionIds.clear();
        const run = await runChain(fc);
        expectErrorRedirect(run, expected, h.issuer);
        const held = await storage.heldTokens();
        // Leg 2 failures happen after leg 1 stored its tokens: they were deleted.
        expect(Object.keys(held)).toHaveLength(leg === 2 ? 1 : 0);
        for (const providers of Object.values(held)) expect(providers).toEqual([]);
        // Upstream error text stays in the logs.
        const description = run.callback.searchParams.get('error_description') ?? '';
        expect(description).not.toMatch(/nonce|signature|audience|status|ms\b/i);
        expect(h.logs.lines.some((l) => l.includes('"event":"chain.failed"') && l.includes(provider))).toBe(
          true,
        );
        expectNoLeaks(h, []);
      });
    }
  }

  it('an abandoned chain keeps its upstream tokens only as long as the chain could finish', async () => {
    const fc = await registeredClient(h);
    storage.sessionIds.clear();
    const started = Date.now();
    // The browser never comes back from the second IdP.
    const run = await runChain(fc, {}, { stopAt: h.idps['second']!.url });
    expect(run.callback.href.startsWith(h.idps['second']!.url)).toBe(true);
    const [sessionId] = [...storage.sessionIds];
    const held = await storage.getAllUpstreamTokens(sessionId!);
    expect(Object.keys(held)).toEqual(['first']);
    const until = held['first']!.sessionExpiresAt!;
    expect(until).toBeGreaterThan(started);
    expect(until).toBeLessThanOrEqual(Date.now() + (600 + 60) * 1000);
  });

  it('leg 2: no auth_time after prompt=login → login_required (docs/architecture.md#re-authentication), no upstream token left', async () => {
    const fc = await registeredClient(h);
    h.idps['second']!.setFaults({ id_token: 'no_auth_time' });
    storage.sessionIds.clear();
    const run = await runChain(fc, { scope: 'openid', prompt: 'login' }, { username: 'bob' });
    expectErrorRedirect(run, 'login_required', h.issuer);
    // Both IdPs showed their forms (they log in automatically otherwise); the second one's answer failed.
    expect(run.ride.pages.map((p) => p.kind)).toEqual(['consent', 'login', 'login']);
    expect(Object.values(await storage.heldTokens())).toEqual([[]]);
  });

  it('recovers once the fault is cleared', async () => {
    const fc = await registeredClient(h);
    const run = await login(fc);
    expect(run.tokens.access_token).toBeTypeOf('string');
  });
});

describe('optional upstreams', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      upstreams: [
        { name: 'corp', mode: 'oidc' },
        { name: 'github', mode: 'oauth2', optional: true },
        { name: 'docs', mode: 'oidc', optional: true },
      ],
      upstreamTimeoutMs: TIMEOUT_MS,
    });
  });
  afterEach(() => {
    for (const idp of Object.values(h.idps)) idp.clearFaults();
  });
  afterAll(async () => {
    await h.close();
  });

  it('skips a failing optional leg: the code is issued and that provider is absent', async () => {
    const fc = await registeredClient(h);
    h.idps['github']!.setFaults({ authorize_error: 'access_denied' });
    h.idps['docs']!.setFaults({ token_status: 500 });
    const run = await login(fc);
    const { payload } = await import('jose').then(({ decodeJwt }) => ({
      payload: decodeJwt(run.tokens.access_token),
    }));
    const stored = await h.storage.getAllUpstreamTokens(payload['tsid'] as string);
    expect(Object.keys(stored)).toEqual(['corp']);
    expect(
      h.logs.lines.filter((l) => l.includes('"event":"chain.leg.skipped"')).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('keeps an optional leg that succeeds', async () => {
    const fc = await registeredClient(h);
    const run = await login(fc);
    const { decodeJwt } = await import('jose');
    const stored = await h.storage.getAllUpstreamTokens(decodeJwt(run.tokens.access_token)['tsid'] as string);
    expect(Object.keys(stored).sort()).toEqual(['corp', 'docs', 'github']);
  });

  it('skips an optional leg that cannot confirm a new sign-in after prompt=login', async () => {
    const fc = await registeredClient(h);
    h.idps['docs']!.setFaults({ id_token: 'no_auth_time' });
    const run = await login(fc, { scope: 'openid', prompt: 'login' }, { username: 'bob' });
    expect(run.ride.pages.map((p) => p.kind)).toEqual(['consent', 'login', 'login', 'login']);
    const { decodeJwt } = await import('jose');
    const stored = await h.storage.getAllUpstreamTokens(decodeJwt(run.tokens.access_token)['tsid'] as string);
    expect(Object.keys(stored).sort()).toEqual(['corp', 'github']);
    expect(
      h.logs.lines.some((l) => l.includes('"event":"chain.leg.skipped"') && l.includes('"provider":"docs"')),
    ).toBe(true);
  });

  it('still fails when the required first leg fails', async () => {
    const fc = await registeredClient(h);
    h.idps['corp']!.setFaults({ authorize_error: 'access_denied' });
    const run = await runChain(fc);
    expectErrorRedirect(run, 'access_denied', h.issuer);
  });
});
