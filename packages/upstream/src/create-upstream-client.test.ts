import { OptionsError } from '@auth/protocol';
import { newLeg } from '@auth/test-kit';
import { describe, expect, it } from 'vitest';
import { createUpstreamClient } from './create-upstream-client.js';
import { rejectionOf } from './test-support/rejection-of.js';
import type { UpstreamClientOptions, UpstreamRuntime } from './upstream-client-options.js';
import { UpstreamOptionsError } from './upstream-options-error.js';

const oidc: UpstreamClientOptions = {
  name: 'corp',
  type: 'oidc',
  issuer: 'https://idp.example',
  clientId: 'gw',
  clientSecret: 'very-secret-value',
  scopes: ['openid'],
};
const oauth2: UpstreamClientOptions = {
  name: 'github',
  type: 'oauth2',
  authorizationEndpoint: 'https://github.example/login/oauth/authorize',
  tokenEndpoint: 'https://github.example/login/oauth/access_token',
  userinfo: { endpoint: 'https://api.github.example/user', subjectField: 'id' },
  clientId: 'gw',
  scopes: [],
};

function optionsError(options: unknown, runtime: UpstreamRuntime = {}): UpstreamOptionsError {
  try {
    createUpstreamClient(options as UpstreamClientOptions, runtime);
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamOptionsError);
    expect(error).toBeInstanceOf(OptionsError);
    return error as UpstreamOptionsError;
  }
  throw new Error('expected an UpstreamOptionsError');
}

describe('createUpstreamClient options', () => {
  it('accepts valid oidc and oauth2 options without any network call', () => {
    expect(createUpstreamClient(oidc)).toMatchObject({ name: 'corp', type: 'oidc' });
    expect(createUpstreamClient(oauth2)).toMatchObject({ name: 'github', type: 'oauth2' });
  });

  it.each([
    ['a missing name', { ...oidc, name: '' }, /name/],
    ['an unknown type', { ...oidc, type: 'saml' }, /type/],
    ['an empty clientId', { ...oidc, clientId: '' }, /clientId/],
    ['an empty secret', { ...oidc, clientSecret: '' }, /clientSecret/],
    ['a scope with a space', { ...oidc, scopes: ['openid email'] }, /scopes/],
    ['an http issuer', { ...oidc, issuer: 'http://idp.example' }, /https/],
    ['a relative issuer', { ...oidc, issuer: '/idp' }, /absolute/],
    ['an issuer with a query', { ...oidc, issuer: 'https://idp.example/?a=1' }, /query/],
    ['an endpoint with a fragment', { ...oauth2, tokenEndpoint: 'https://x.example/t#f' }, /fragment/],
    ['a missing userinfo', { ...oauth2, userinfo: undefined }, /userinfo/],
    [
      'an empty subjectField',
      { ...oauth2, userinfo: { endpoint: 'https://x.example/u', subjectField: '' } },
      /subjectField/,
    ],
  ])('refuses %s, naming the field', (_label, options, pattern) => {
    const error = optionsError(options);
    expect(error.code).toBe('ERR_UPSTREAM_INVALID_OPTIONS');
    expect(error.message).toMatch(pattern);
    expect(error.message).not.toContain('very-secret-value');
  });

  it('allows http only with allowInsecureHttp', () => {
    const http = { ...oidc, issuer: 'http://127.0.0.1:9001' };
    optionsError(http);
    expect(createUpstreamClient(http, { allowInsecureHttp: true }).type).toBe('oidc');
  });

  it('refuses an unknown reauthenticationPrompt', () => {
    const bad = { ...oauth2, reauthenticationPrompt: 'consent' } as unknown as typeof oauth2;
    expect(optionsError(bad).message).toMatch(/reauthenticationPrompt/);
  });

  it.each([0, -1, 1.5, 700_000])('refuses timeoutMs %s', (timeoutMs) => {
    expect(optionsError(oidc, { timeoutMs }).message).toMatch(/timeoutMs/);
  });
});

describe('method arguments', () => {
  const client = createUpstreamClient(oauth2);

  it('refuses a code verifier outside RFC 7636 §4.1', async () => {
    const error = await rejectionOf(client.authorizationUrl({ ...newLeg(), codeVerifier: 'short' }));
    expect(error).toBeInstanceOf(UpstreamOptionsError);
    expect((error as UpstreamOptionsError).code).toBe('ERR_UPSTREAM_INVALID_ARGUMENT');
    expect((error as UpstreamOptionsError).message).not.toContain('short');
  });

  it('refuses an empty state, a relative redirect URI and an empty refresh token', async () => {
    await expect(client.authorizationUrl({ ...newLeg(), state: '' })).rejects.toThrow(/state/);
    await expect(client.authorizationUrl({ ...newLeg(), redirectUri: '/cb' })).rejects.toThrow(/redirectUri/);
    await expect(client.refresh('')).rejects.toBeInstanceOf(UpstreamOptionsError);
  });

  it('refuses a prompt other than login and a max_age that is not a non-negative integer', async () => {
    const leg = newLeg();
    await expect(client.authorizationUrl({ ...leg, prompt: 'none' as unknown as 'login' })).rejects.toThrow(
      /leg\.prompt/,
    );
    for (const maxAge of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = await rejectionOf(client.authorizationUrl({ ...leg, maxAge }));
      expect(error, String(maxAge)).toBeInstanceOf(UpstreamOptionsError);
      expect((error as UpstreamOptionsError).message).toMatch(/leg\.maxAge/);
    }
  });

  it('keeps a query of the authorization endpoint', async () => {
    const withQuery = createUpstreamClient({
      ...oauth2,
      authorizationEndpoint: 'https://x.example/auth?tenant=t1',
    });
    const url = await withQuery.authorizationUrl(newLeg());
    expect(url.searchParams.get('tenant')).toBe('t1');
    expect(url.searchParams.has('scope')).toBe(false);
  });
});
