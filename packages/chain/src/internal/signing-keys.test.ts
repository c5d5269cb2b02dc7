import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadSigningKeys } from './signing-keys.js';

const pem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
const rsaPem = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

describe('loadSigningKeys', () => {
  it('derives the same cookie secret from the same key (replicas agree), another from another key', async () => {
    const key = pem();
    const a = await loadSigningKeys([{ label: 'k.pem', alg: 'ES256', pem: key }]);
    const b = await loadSigningKeys([{ label: 'k.pem', alg: 'ES256', pem: key }]);
    const c = await loadSigningKeys([{ label: 'o.pem', alg: 'ES256', pem: pem() }]);
    expect(a.ephemeral).toBe(false);
    expect(a.signing.kid).toBe(b.signing.kid);
    expect(Buffer.from(a.derivedSecret('x'))).toEqual(Buffer.from(b.derivedSecret('x')));
    expect(Buffer.from(a.derivedSecret('x'))).not.toEqual(Buffer.from(a.derivedSecret('y')));
    expect(Buffer.from(a.derivedSecret('x'))).not.toEqual(Buffer.from(c.derivedSecret('x')));
  });

  it('generates an ephemeral ES256 key when none is configured', async () => {
    const a = await loadSigningKeys([]);
    const b = await loadSigningKeys([]);
    expect(a.ephemeral).toBe(true);
    expect(a.signing.alg).toBe('ES256');
    expect(Buffer.from(a.derivedSecret('x'))).not.toEqual(Buffer.from(b.derivedSecret('x')));
    expect(a.all[0]!.jwk).not.toHaveProperty('d');
  });

  it('refuses a PEM that is not a private key, naming the file but not the content', async () => {
    const error = await loadSigningKeys([{ label: 'bad.pem', alg: 'ES256', pem: 'not-a-pem-secret' }]).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: 'ERR_CHAIN_INVALID_SIGNING_KEY' });
    expect((error as Error).message).toContain('bad.pem');
    expect((error as Error).message).not.toContain('not-a-pem-secret');
  });

  it('offers RS256 ID tokens (OIDC Discovery §3): a configured RS256 key, else one generated at start', async () => {
    const esOnly = await loadSigningKeys([{ label: 'k.pem', alg: 'ES256', pem: pem() }]);
    expect([...esOnly.idTokenKeys.keys()]).toEqual(['ES256', 'RS256']);
    expect(esOnly.ephemeralRs256).toBe(true);
    expect(esOnly.all.map((key) => key.alg)).toEqual(['ES256', 'RS256']);
    expect(esOnly.idTokenKeys.get('RS256')!.kid).toBe(esOnly.all[1]!.kid);
    expect(esOnly.all[1]!.jwk).not.toHaveProperty('d');

    const withRsa = await loadSigningKeys([
      { label: 'k.pem', alg: 'ES256', pem: pem() },
      { label: 'r.pem', alg: 'RS256', pem: rsaPem() },
    ]);
    expect(withRsa.ephemeralRs256).toBe(false);
    expect(withRsa.all.map((key) => key.alg)).toEqual(['ES256', 'RS256']);
    expect(withRsa.idTokenKeys.get('RS256')!.kid).toBe(withRsa.all[1]!.kid);
    expect(withRsa.signing.alg).toBe('ES256');

    const rsaFirst = await loadSigningKeys([{ label: 'r.pem', alg: 'RS256', pem: rsaPem() }]);
    expect([...rsaFirst.idTokenKeys.keys()]).toEqual(['RS256']);
    expect(rsaFirst.all).toHaveLength(1);
  });
});
