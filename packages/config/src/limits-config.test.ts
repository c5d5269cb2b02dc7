import { describe, expect, it } from 'vitest';
import { parseConfig } from './parse-config.js';
import {
  BASE_ENV,
  configErrorOf,
  expectIssue,
  singleUpstreamConfig,
  variant,
} from './test-support/config-fixtures.js';

const single = singleUpstreamConfig();
const parse = (config: object, env: Record<string, string> = BASE_ENV) => parseConfig(config, { env });

describe('limits: abuse limits', () => {
  it('have defaults that let one address run hundreds of logins a minute', () => {
    const config = parse(single);
    expect(config.limits).toEqual({
      authorize: { requests: 1000, window: 60 },
      register: { requests: 300, window: 600 },
      clientAuthFailures: { perAddress: 100, perClient: 20, window: 600 },
      registration: { maxRedirectUris: 10, maxBodyBytes: 16_384 },
    });
    expect(config.registration.unusedClientLifetime).toBe(30 * 86_400);
    expect(config.registration.initialAccessToken).toBeUndefined();
  });

  it('take counts and durations', () => {
    const config = parse(
      variant(single, {
        limits: {
          authorize: { requests: 5, window: '10s' },
          register: { requests: 2 },
          client_auth_failures: { per_client: 3, window: '1m' },
          registration_metadata: { max_redirect_uris: 2, max_body_bytes: 2048 },
        },
        'registration.unused_client_lifetime': '2d',
      }),
    );
    expect(config.limits).toEqual({
      authorize: { requests: 5, window: 10 },
      register: { requests: 2, window: 600 },
      clientAuthFailures: { perAddress: 100, perClient: 3, window: 60 },
      registration: { maxRedirectUris: 2, maxBodyBytes: 2048 },
    });
    expect(config.registration.unusedClientLifetime).toBe(2 * 86_400);
  });

  it('read the initial access token from the environment, never inline', () => {
    const config = parse(variant(single, { 'registration.initial_access_token_env': 'DCR_TOKEN' }), {
      ...BASE_ENV,
      DCR_TOKEN: 'let-me-register',
    });
    expect(config.registration.initialAccessToken?.reveal()).toBe('let-me-register');
    const missing = configErrorOf(() =>
      parse(variant(single, { 'registration.initial_access_token_env': 'NOT_SET_ANYWHERE' })),
    );
    expectIssue(missing, 'registration.initial_access_token_env', /not set/);
    const inline = configErrorOf(() =>
      parse(variant(single, { 'registration.initial_access_token': 'inline' })),
    );
    expectIssue(inline, 'registration.initial_access_token', /./);
  });

  it('name each bad value with its path', () => {
    const error = configErrorOf(() =>
      parse(
        variant(single, {
          limits: {
            authorize: { requests: 0, window: '2d' },
            client_auth_failures: { per_adress: 3 },
            registration_metadata: { max_body_bytes: 10 },
          },
          'registration.unused_client_lifetime': '1m',
        }),
      ),
    );
    expectIssue(error, 'limits.authorize.requests', /between 1 and 1000000/);
    expectIssue(error, 'limits.authorize.window', /between 1s and 1d/);
    expectIssue(error, 'limits.client_auth_failures.per_adress', /per_address/);
    expectIssue(error, 'limits.registration_metadata.max_body_bytes', /between 1024 and 1048576/);
    expectIssue(error, 'registration.unused_client_lifetime', /between 1h and 365d/);
  });
});
