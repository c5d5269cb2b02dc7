import { describe, expect, it } from 'vitest';
import { UpstreamError, type UpstreamErrorCode } from './upstream-error.js';

const error = (code: UpstreamErrorCode, options: { oauthError?: string; status?: number } = {}) =>
  new UpstreamError('corp', code, 'message', options);

describe('UpstreamError category and permanent', () => {
  it.each([
    [error('ERR_UPSTREAM_NETWORK'), 'unavailable', false],
    [error('ERR_UPSTREAM_TIMEOUT'), 'unavailable', false],
    [error('ERR_UPSTREAM_UNEXPECTED_STATUS', { status: 503 }), 'unavailable', false],
    [error('ERR_UPSTREAM_UNEXPECTED_STATUS', { status: 429 }), 'unavailable', false],
    [error('ERR_UPSTREAM_UNEXPECTED_STATUS', { status: 408 }), 'unavailable', false],
    [error('ERR_UPSTREAM_UNEXPECTED_STATUS', { status: 404 }), 'failed', true],
    [error('ERR_UPSTREAM_OAUTH_ERROR', { oauthError: 'temporarily_unavailable' }), 'unavailable', false],
    [error('ERR_UPSTREAM_OAUTH_ERROR', { oauthError: 'server_error', status: 200 }), 'unavailable', false],
    [error('ERR_UPSTREAM_OAUTH_ERROR', { oauthError: 'access_denied' }), 'denied', true],
    [error('ERR_UPSTREAM_OAUTH_ERROR', { oauthError: 'invalid_grant', status: 400 }), 'failed', true],
    [error('ERR_UPSTREAM_OAUTH_ERROR', { oauthError: 'bad_refresh_token', status: 200 }), 'failed', true],
    [error('ERR_UPSTREAM_INVALID_RESPONSE'), 'failed', true],
  ] as const)('%s → %s (permanent %s)', (e, category, permanent) => {
    expect(e.category).toBe(category);
    expect(e.permanent).toBe(permanent);
  });

  it('carries provider, code, oauthError and status', () => {
    const e = error('ERR_UPSTREAM_OAUTH_ERROR', { oauthError: 'invalid_grant', status: 400 });
    expect(e).toMatchObject({
      name: 'UpstreamError',
      provider: 'corp',
      code: 'ERR_UPSTREAM_OAUTH_ERROR',
      oauthError: 'invalid_grant',
      status: 400,
    });
    expect(e).toBeInstanceOf(Error);
  });
});
