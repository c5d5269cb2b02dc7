import type { ClientAuthorizationRequest } from '@auth/storage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OAuthError } from '../oauth-error.js';
import {
  AUTH_TIME_LEEWAY_MS,
  type CompletedLeg,
  legAuthenticationTime,
  parseMaxAge,
  reauthenticationRequest,
} from './reauthentication.js';

const request = (extra: Partial<ClientAuthorizationRequest> = {}): ClientAuthorizationRequest => ({
  clientId: 'c',
  redirectUri: 'http://127.0.0.1/cb',
  scope: ['openid'],
  codeChallenge: 'x'.repeat(43),
  codeChallengeMethod: 'S256',
  resource: [],
  ...extra,
});

const NOW = 1_800_000_000_000;
const leg = (extra: Partial<CompletedLeg> = {}): CompletedLeg => ({
  provider: 'corp',
  type: 'oidc',
  authTime: NOW - 5_000,
  startedAt: NOW - 20_000,
  completedAt: NOW,
  ...extra,
});

function loginRequired(run: () => unknown): OAuthError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe('login_required');
    return error as OAuthError;
  }
  throw new Error('expected login_required');
}

describe('parseMaxAge (OIDC Core §3.1.2.1)', () => {
  it('reads every non-negative integer of up to 10 digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999_999 }), (n) => {
        expect(parseMaxAge(String(n))).toBe(n);
      }),
    );
    expect(parseMaxAge(undefined)).toBeUndefined();
    expect(parseMaxAge('007')).toBe(7);
  });

  it('refuses anything else with invalid_request', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^\d{1,10}$/.test(s)),
        (text) => {
          expect(() => parseMaxAge(text)).toThrow(expect.objectContaining({ error: 'invalid_request' }));
        },
      ),
    );
    for (const text of ['-1', '1.5', '1e3', ' 5', '12345678901', '']) {
      expect(() => parseMaxAge(text), text).toThrow(OAuthError);
    }
  });
});

describe('reauthenticationRequest', () => {
  it('keeps prompt=login and max_age; max_age=0 implies prompt=login', () => {
    expect(reauthenticationRequest([], undefined)).toEqual({});
    expect(reauthenticationRequest(['consent'], undefined)).toEqual({});
    expect(reauthenticationRequest(['login', 'consent'], undefined)).toEqual({ prompt: 'login' });
    expect(reauthenticationRequest([], 600)).toEqual({ maxAge: 600 });
    expect(reauthenticationRequest([], 0)).toEqual({ prompt: 'login', maxAge: 0 });
  });
});

describe('legAuthenticationTime', () => {
  it('is the upstream auth_time, never later than the leg’s completion', () => {
    expect(legAuthenticationTime(request(), leg())).toBe(NOW - 5_000);
    expect(legAuthenticationTime(request(), leg({ authTime: NOW + 60_000 }))).toBe(NOW);
  });

  it('without prompt=login or max_age, an old or missing auth_time is accepted (missing: the completion)', () => {
    expect(legAuthenticationTime(request(), leg({ authTime: NOW - 86_400_000 }))).toBe(NOW - 86_400_000);
    expect(legAuthenticationTime(request(), leg({ authTime: undefined }))).toBe(NOW);
  });

  it('an oauth2 leg reports none and counts at its completion, whatever was asked', () => {
    const asked = request({ prompt: 'login', maxAge: 0 });
    expect(legAuthenticationTime(asked, leg({ type: 'oauth2', authTime: undefined }))).toBe(NOW);
  });

  it('prompt=login: an auth_time from before the leg started → login_required', () => {
    const asked = request({ prompt: 'login' });
    const startedAt = NOW - 20_000;
    expect(legAuthenticationTime(asked, leg({ authTime: startedAt + 1_000 }))).toBe(startedAt + 1_000);
    // auth_time has whole seconds and the IdP's clock is not ours: a little before the start passes.
    const edge = startedAt - AUTH_TIME_LEEWAY_MS;
    expect(legAuthenticationTime(asked, leg({ authTime: edge }))).toBe(edge);
    const error = loginRequired(() => legAuthenticationTime(asked, leg({ authTime: edge - 1 })));
    expect(error.detail).toContain('"corp"');
    expect(error.detail).toContain('prompt=login');
    loginRequired(() => legAuthenticationTime(asked, leg({ authTime: undefined })));
  });

  it('max_age: an auth_time older than max_age allows, or none → login_required', () => {
    const asked = request({ maxAge: 300 });
    const oldest = NOW - 300_000 - AUTH_TIME_LEEWAY_MS;
    expect(legAuthenticationTime(asked, leg({ authTime: oldest, startedAt: oldest - 1 }))).toBe(oldest);
    const error = loginRequired(() => legAuthenticationTime(asked, leg({ authTime: oldest - 1 })));
    expect(error.detail).toContain('max_age');
    expect(loginRequired(() => legAuthenticationTime(asked, leg({ authTime: undefined }))).detail).toContain(
      'no auth_time',
    );
  });

  it('never puts the upstream’s detail in the public description', () => {
    const error = loginRequired(() =>
      legAuthenticationTime(request({ prompt: 'login' }), leg({ authTime: undefined })),
    );
    expect(error.errorDescription).toBe('an identity provider did not confirm a new sign-in');
  });
});
