import type { Identity } from '@auth/identity';
import { describe, expect, it } from 'vitest';
import { upstreamCredential } from './upstream-credential.js';

const identity = (patch: Partial<Identity>): Identity => ({
  subject: 'user-1',
  clientId: 'client-1',
  scopes: [],
  claims: {} as Identity['claims'],
  token: 'gateway-jwt',
  sessionId: 'session-1',
  upstreamTokens: {},
  upstreams: {},
  ...patch,
});

describe('upstreamCredential: the header rules without a request', () => {
  const ok = identity({
    upstreamTokens: { corp: 'corp-token', github: 'gho_github' },
    upstreams: { corp: { status: 'ok' }, github: { status: 'ok' } },
  });

  it('replace: Authorization carries the upstream token; custom: its header, Authorization removed', () => {
    expect(upstreamCredential(ok, { providerName: 'corp', headerStrategy: 'replace' })).toEqual({
      ok: true,
      header: 'authorization',
      value: 'Bearer corp-token',
      remove: [],
    });
    expect(
      upstreamCredential(ok, {
        providerName: 'github',
        headerStrategy: 'custom',
        headerName: 'x-upstream-token',
      }),
    ).toEqual({ ok: true, header: 'x-upstream-token', value: 'gho_github', remove: ['authorization'] });
  });

  it('says whether a new login helps: revoked, expired or missing yes; unavailable no', () => {
    const rule = { providerName: 'corp', headerStrategy: 'replace' } as const;
    expect(upstreamCredential(identity({ upstreams: { corp: { status: 'revoked' } } }), rule)).toMatchObject({
      ok: false,
      reason: 'reauthenticate',
      status: 'revoked',
    });
    expect(upstreamCredential(identity({}), rule)).toMatchObject({
      reason: 'reauthenticate',
      status: 'missing',
    });
    expect(
      upstreamCredential(
        identity({ upstreams: { corp: { status: 'unavailable', reason: 'timeout' } } }),
        rule,
      ),
    ).toEqual({ ok: false, reason: 'unavailable', status: 'unavailable', detail: 'timeout' });
    // A provider named like an Object.prototype member is not found on the prototype.
    expect(upstreamCredential(ok, { providerName: 'constructor', headerStrategy: 'replace' })).toMatchObject({
      ok: false,
      status: 'missing',
    });
  });

  it('a token that is not a visible-ASCII header value is never sent', () => {
    const split = identity({
      upstreamTokens: { corp: 'a\r\nx-evil: 1' },
      upstreams: { corp: { status: 'ok' } },
    });
    expect(upstreamCredential(split, { providerName: 'corp', headerStrategy: 'replace' })).toEqual({
      ok: false,
      reason: 'reauthenticate',
      status: 'invalid',
    });
  });
});
