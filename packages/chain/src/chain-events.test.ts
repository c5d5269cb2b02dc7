import { login, runChain } from '@auth/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChainEvents, LegOutcome } from './chain-events.js';
import { expectErrorRedirect, registeredClient } from './test-support/flow.js';
import { type Harness, startHarness } from './test-support/gateway-harness.js';

/** Every event, with its arguments (durations as their type: values depend on the machine). */
function recordingEvents(): ChainEvents & { seen: unknown[][] } {
  const seen: unknown[][] = [];
  return {
    seen,
    loginStarted: () => seen.push(['loginStarted']),
    loginCompleted: () => seen.push(['loginCompleted']),
    loginFailed: (reason) => seen.push(['loginFailed', reason]),
    legCompleted: (provider: string, outcome: LegOutcome, durationMs: number) => {
      expect(durationMs).toBeGreaterThanOrEqual(0);
      seen.push(['legCompleted', provider, outcome]);
    },
  };
}

describe('ChainEvents: the observer port of the chain', () => {
  let h: Harness;
  const events = recordingEvents();
  beforeAll(async () => {
    h = await startHarness({
      upstreams: [
        { name: 'corp', mode: 'oidc' },
        { name: 'extra', mode: 'oidc', optional: true },
        { name: 'github', mode: 'oauth2' },
      ],
      events,
    });
  });
  afterEach(() => {
    events.seen.length = 0;
    for (const idp of Object.values(h.idps)) idp.clearFaults();
  });
  afterAll(() => h.close());

  it('a login: started, one completed leg per upstream in order, completed', async () => {
    await login(await registeredClient(h));
    expect(events.seen).toEqual([
      ['loginStarted'],
      ['legCompleted', 'corp', 'completed'],
      ['legCompleted', 'extra', 'completed'],
      ['legCompleted', 'github', 'completed'],
      ['loginCompleted'],
    ]);
  });

  it('an optional upstream failing is a skipped leg; a required one fails the login with its OAuth error', async () => {
    h.idps['extra']!.setFaults({ token_status: 503 });
    h.idps['github']!.setFaults({ authorize_error: 'access_denied' });
    const run = await runChain(await registeredClient(h));
    expectErrorRedirect(run, 'access_denied', h.issuer);
    expect(events.seen).toEqual([
      ['loginStarted'],
      ['legCompleted', 'corp', 'completed'],
      ['legCompleted', 'extra', 'skipped'],
      ['legCompleted', 'github', 'failed'],
      ['loginFailed', 'access_denied'],
    ]);
  });

  it('a throwing observer does not break the login', async () => {
    const throwing = await startHarness({
      upstreams: [{ name: 'corp', mode: 'oidc' }],
      events: {
        loginStarted() {
          throw new Error('observer down');
        },
      },
    });
    try {
      const run = await login(await registeredClient(throwing));
      expect(run.tokens.access_token).toBeTypeOf('string');
      expect(throwing.logs.lines.some((line) => line.includes('"event":"observer.failed"'))).toBe(true);
    } finally {
      await throwing.close();
    }
  });
});
