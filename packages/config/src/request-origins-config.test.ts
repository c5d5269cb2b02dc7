import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './parse-config.js';
import { BASE_ENV, baseConfig, configErrorOf, expectIssue, variant } from './test-support/config-fixtures.js';

const base = baseConfig();
const parse = (config: object, options: { readFile?: (path: string) => string } = {}) =>
  parseConfig(config, { env: BASE_ENV, ...options });

describe('allowed_hosts and allowed_origins: the MCP routes’ DNS-rebinding check', () => {
  it('defaults to none (the issuer’s host and origin only)', () => {
    const config = parse(base);
    expect(config.allowedHosts).toEqual([]);
    expect(config.allowedOrigins).toEqual([]);
  });

  it('takes hosts with an optional port and origins, normalized to lower case and origin form', () => {
    const config = parse(
      variant(base, {
        allowed_hosts: ['Gateway.Example.com', 'gateway.internal:8443', '[::1]:8080', '10.0.0.7'],
        allowed_origins: ['https://App.Example.com', 'http://127.0.0.1:6274/', 'https://app.example.com:443'],
      }),
    );
    expect(config.allowedHosts).toEqual([
      'gateway.example.com',
      'gateway.internal:8443',
      '[::1]:8080',
      '10.0.0.7',
    ]);
    expect(config.allowedOrigins).toEqual(['https://app.example.com', 'http://127.0.0.1:6274']);
  });

  it('names each bad value with its path', () => {
    const error = configErrorOf(() =>
      parse(
        variant(base, {
          allowed_hosts: ['https://gw.example.com', 'gw.example.com/mcp', 'gw.example.com:99999', '', 'a b'],
          allowed_origins: ['gw.example.com', 'https://gw.example.com/path', 'ftp://gw.example.com', 'null'],
        }),
      ),
    );
    for (const index of [0, 1, 2, 3, 4]) expectIssue(error, `allowed_hosts[${index}]`, /host/);
    for (const index of [0, 1, 2, 3]) expectIssue(error, `allowed_origins[${index}]`, /origin/);
    const notList = configErrorOf(() => parse(variant(base, { allowed_hosts: 'gw.example.com' })));
    expectIssue(notList, 'allowed_hosts', /array|list/i);
  });
});

describe('clients[].id_token_signed_response_alg (OIDC Registration §2)', () => {
  it('takes RS256, or the signing key’s algorithm', () => {
    const config = parse(
      variant(base, {
        'clients.0.id_token_signed_response_alg': 'RS256',
      }),
    );
    expect(config.clients[0]?.idTokenSignedResponseAlg).toBe('RS256');
    expect(
      parse(variant(base, { 'clients.0.id_token_signed_response_alg': 'ES256' })).clients[0],
    ).toMatchObject({
      idTokenSignedResponseAlg: 'ES256',
    });
    expect(parse(base).clients[0]).not.toHaveProperty('idTokenSignedResponseAlg');
  });

  it('refuses an algorithm no key signs with, at its path', () => {
    const eddsa = configErrorOf(() =>
      parse(variant(base, { 'clients.0.id_token_signed_response_alg': 'EdDSA' })),
    );
    expectIssue(eddsa, 'clients[0].id_token_signed_response_alg', /RS256 or ES256/);
    const none = configErrorOf(() =>
      parse(variant(base, { 'clients.0.id_token_signed_response_alg': 'none' })),
    );
    expectIssue(none, 'clients[0].id_token_signed_response_alg', /ES256|RS256|EdDSA/);
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const withEd = parse(
      variant(base, {
        signing_keys: [{ file: 'ed.pem' }],
        'clients.0.id_token_signed_response_alg': 'EdDSA',
      }),
      { readFile: () => pem },
    );
    expect(withEd.clients[0]?.idTokenSignedResponseAlg).toBe('EdDSA');
  });
});
