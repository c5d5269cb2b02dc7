import { describe, expect, it } from 'vitest';
import { CliUsageError, parseCliArgs } from './parse-cli-args.js';

const BASE = ['--issuer', 'http://127.0.0.1:9001', '--mode', 'oidc', '--client-id', 'gw'];

describe('parseCliArgs', () => {
  it('maps every flag to an option', () => {
    const parsed = parseCliArgs([
      ...BASE,
      '--client-secret',
      's',
      '--redirect-uri',
      'http://a/cb',
      '--redirect-uri',
      'http://b/cb',
      '--auto-login',
      'alice',
      '--access-token-ttl',
      '120',
      '--no-refresh-tokens',
      '--title',
      'Corp SSO — step 1 of 2',
    ]);
    expect(parsed).toEqual({
      help: false,
      options: {
        mode: 'oidc',
        issuer: 'http://127.0.0.1:9001',
        clientId: 'gw',
        clientSecret: 's',
        redirectUris: ['http://a/cb', 'http://b/cb'],
        autoLogin: 'alice',
        accessTokenTtlSeconds: 120,
        refreshTokens: false,
        title: 'Corp SSO — step 1 of 2',
      },
    });
  });

  it('leaves absent flags absent', () => {
    expect(parseCliArgs(BASE)).toEqual({
      help: false,
      options: { mode: 'oidc', issuer: 'http://127.0.0.1:9001', clientId: 'gw' },
    });
    expect(parseCliArgs(['--help'])).toEqual({ help: true });
  });

  it.each([
    [['--mode', 'oidc', '--client-id', 'x'], /--issuer is required/],
    [
      ['--issuer', 'http://127.0.0.1:0', '--mode', 'saml', '--client-id', 'x'],
      /--mode must be oidc or oauth2/,
    ],
    [['--issuer', 'http://127.0.0.1:0', '--mode', 'oidc'], /--client-id is required/],
  ])('rejects missing or bad required flags %j', (args, message) => {
    expect(() => parseCliArgs(args)).toThrow(message);
  });

  it.each([
    [['--access-token-ttl', '0'], /positive integer/],
    [['--access-token-ttl', '1.5'], /positive integer/],
    [['--access-token-ttl', '-3'], /.+/],
    [['extra'], /positional/i],
    [['--client-secret'], /argument missing/],
  ])('rejects %j', (extra, message) => {
    expect(() => parseCliArgs([...BASE, ...extra])).toThrow(CliUsageError);
    expect(() => parseCliArgs([...BASE, ...extra])).toThrow(message);
  });
});
