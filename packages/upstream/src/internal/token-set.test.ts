import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../upstream-error.js';
import { toTokenSet } from './token-set.js';

const now = 1_000_000;

describe('toTokenSet', () => {
  it('computes expiresAt from expires_in with the given clock, numbers or numeric strings', () => {
    expect(toTokenSet({ provider: 'p', body: { access_token: 'a', expires_in: 30 }, now }).expiresAt).toBe(
      now + 30_000,
    );
    expect(toTokenSet({ provider: 'p', body: { access_token: 'a', expires_in: '30' }, now }).expiresAt).toBe(
      now + 30_000,
    );
    expect(toTokenSet({ provider: 'p', body: { access_token: 'a' }, now }).expiresAt).toBeUndefined();
  });

  it('canonicalizes bearer and defaults a missing token_type to Bearer', () => {
    expect(
      toTokenSet({ provider: 'p', body: { access_token: 'a', token_type: 'bearer' }, now }).tokenType,
    ).toBe('Bearer');
    expect(toTokenSet({ provider: 'p', body: { access_token: 'a' }, now }).tokenType).toBe('Bearer');
    expect(
      toTokenSet({ provider: 'p', body: { access_token: 'a', token_type: 'DPoP' }, now }).tokenType,
    ).toBe('DPoP');
  });

  it('returns a rotated refresh token, else keeps the previous one', () => {
    const rotated = toTokenSet({
      provider: 'p',
      body: { access_token: 'a', refresh_token: 'new' },
      now,
      previousRefreshToken: 'old',
    });
    expect(rotated.refreshToken).toBe('new');
    const kept = toTokenSet({ provider: 'p', body: { access_token: 'a' }, now, previousRefreshToken: 'old' });
    expect(kept.refreshToken).toBe('old');
    expect(toTokenSet({ provider: 'p', body: { access_token: 'a' }, now }).refreshToken).toBeUndefined();
  });

  it('turns GitHub comma-separated scopes into spaces only when asked', () => {
    const body = { access_token: 'a', scope: 'repo,read:user' };
    expect(toTokenSet({ provider: 'p', body, now, commaSeparatedScope: true }).scope).toBe('repo read:user');
    expect(toTokenSet({ provider: 'p', body, now }).scope).toBe('repo,read:user');
  });

  it.each([
    ['no access_token', {}],
    ['an empty access_token', { access_token: '' }],
    ['a numeric access_token', { access_token: 5 }],
    ['a negative expires_in', { access_token: 'a', expires_in: -1 }],
    ['a non-numeric expires_in', { access_token: 'a', expires_in: 'soon' }],
    ['an object refresh_token', { access_token: 'a', refresh_token: {} }],
  ])('refuses %s as malformed, without echoing values', (_label, body) => {
    let caught: unknown;
    try {
      toTokenSet({ provider: 'p', body: { ...body, id_token: 'secret-id-token' }, now });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UpstreamError);
    expect((caught as UpstreamError).code).toBe('ERR_UPSTREAM_MALFORMED_RESPONSE');
    expect((caught as UpstreamError).message).not.toContain('secret-id-token');
  });
});
