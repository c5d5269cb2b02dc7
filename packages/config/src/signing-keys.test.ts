import { importPKCS8 } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from './parse-config.js';
import {
  BASE_ENV,
  configErrorOf,
  expectIssue,
  fakeFiles,
  generatePems,
  singleUpstreamConfig,
  variant,
} from './test-support/config-fixtures.js';

let pems: ReturnType<typeof generatePems>;
beforeAll(() => {
  pems = generatePems();
});

function withKeys(files: Record<string, string>, entries: string[]) {
  const config = variant(singleUpstreamConfig(), { signing_keys: entries.map((file) => ({ file })) });
  return () => parseConfig(config, { env: BASE_ENV, baseDir: '/etc/gateway', readFile: fakeFiles(files) });
}

describe('signing keys (RFC 7518 §3.1, RFC 8037)', () => {
  it.each([
    ['p256', 'ES256'],
    ['rsa2048', 'RS256'],
    ['ed25519', 'EdDSA'],
  ] as const)('a PKCS8 %s key signs with %s, as jose agrees', async (kind, alg) => {
    const config = withKeys({ '/etc/gateway/keys/k.pem': pems[kind] }, ['keys/k.pem'])();
    expect(config.signingKeys).toHaveLength(1);
    expect(config.signingKeys[0]).toMatchObject({ file: '/etc/gateway/keys/k.pem', alg });
    expect(config.signingKeys[0]!.pem.reveal()).toBe(pems[kind]);
    await expect(importPKCS8(config.signingKeys[0]!.pem.reveal(), alg)).resolves.toBeDefined();
  });

  it('keeps the order: the first key signs, the others verify', () => {
    const config = withKeys({ '/etc/gateway/current.pem': pems.ed25519, '/keys/previous.pem': pems.p256 }, [
      'current.pem',
      '/keys/previous.pem',
    ])();
    expect(config.signingKeys.map((key) => [key.file, key.alg])).toEqual([
      ['/etc/gateway/current.pem', 'EdDSA'],
      ['/keys/previous.pem', 'ES256'],
    ]);
  });

  it.each([
    ['an EC key on P-384', () => pems.p384, /key uses EC curve secp384r1; only P-256 \(ES256\) is supported/],
    [
      'an RSA key under 2048 bits',
      () => pems.rsa1024,
      /key is an RSA key of 1024 bits; at least 2048 are required/,
    ],
    ['a SEC1 (not PKCS8) key', () => pems.p256Sec1, /must be a PKCS8 PEM private key/],
    [
      'a public key',
      () => '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n',
      /must be a PKCS8 PEM/,
    ],
    [
      'a corrupt PKCS8 PEM',
      () => '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n',
      /is not a readable PKCS8 PEM private key/,
    ],
  ])('rejects %s', (_, pem, message) => {
    const error = configErrorOf(withKeys({ '/etc/gateway/k.pem': pem() }, ['k.pem']));
    expectIssue(error, 'signing_keys[0].file', message);
  });

  it('rejects a key file that cannot be read, naming the base folder for a relative path', () => {
    const error = configErrorOf(withKeys({}, ['keys/missing.pem']));
    expectIssue(
      error,
      'signing_keys[0].file',
      /^file cannot be read \(ENOENT\); relative paths are resolved against \/etc\/gateway$/,
    );
  });

  it('rejects the same file listed twice', () => {
    const error = configErrorOf(
      withKeys({ '/etc/gateway/k.pem': pems.p256 }, ['k.pem', '/etc/gateway/k.pem']),
    );
    expectIssue(error, 'signing_keys[1].file', /names the same file as signing_keys\[0\]\.file/);
  });

  it('rejects an entry without file and an unknown key', () => {
    const config = variant(singleUpstreamConfig(), { signing_keys: [{ path: 'k.pem' }] });
    const error = configErrorOf(() => parseConfig(config, { env: BASE_ENV }));
    expectIssue(error, 'signing_keys[0].file', /^is required$/);
    expectIssue(error, 'signing_keys[0].path', /unknown key/);
  });

  it('never puts key material in messages', () => {
    const error = configErrorOf(
      withKeys({ '/etc/gateway/a.pem': pems.rsa1024, '/etc/gateway/b.pem': pems.p384 }, ['a.pem', 'b.pem']),
    );
    const body = pems.rsa1024.split('\n')[1]!;
    expect(error.message).not.toContain(body);
    expect(JSON.stringify(error.issues)).not.toContain(body);
  });
});
