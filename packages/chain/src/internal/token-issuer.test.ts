import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import type { SigningKey } from '../authorization-server-options.js';
import { OAuthError } from '../oauth-error.js';
import { loadSigningKeys } from './signing-keys.js';
import { createTokenIssuer } from './token-issuer.js';

const ec = (label: string): SigningKey => ({
  label,
  alg: 'ES256',
  pem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString(),
});

const issuerWith = async (keys: SigningKey[], now = Date.now) =>
  createTokenIssuer({
    issuer: 'https://as.example.com',
    keys: await loadSigningKeys(keys),
    now,
    accessTokenLifetime: 300,
    resources: ['https://as.example.com/mcp/a', 'https://as.example.com/mcp/b'],
  });

const input = { userId: 'u1', clientId: 'c1', scope: ['openid'], resource: [], sessionId: 's1' };

describe('access tokens across a key rotation (RFC 9068)', () => {
  it('a token of the previous key still verifies while that key is published verify-only', async () => {
    const a = ec('a.pem');
    const b = ec('b.pem');
    const before = await issuerWith([a]);
    const { token, claims } = await before.issueAccessToken(input);
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    // openid granted: the issuer joins the resources (userinfo, RFC 9068 §4).
    expect(claims.aud).toEqual([
      'https://as.example.com/mcp/a',
      'https://as.example.com/mcp/b',
      'https://as.example.com',
    ]);
    const rotated = await issuerWith([b, a]);
    expect((await rotated.verifyAccessToken(token)).tsid).toBe('s1');
    const fresh = await rotated.issueAccessToken(input);
    expect(decodeProtectedHeader(fresh.token).kid).not.toBe(decodeProtectedHeader(token).kid);
    const dropped = await issuerWith([b]);
    await expect(dropped.verifyAccessToken(token)).rejects.toMatchObject({ error: 'invalid_token' });
  });

  it('rejects expired, foreign, untyped and malformed tokens with invalid_token', async () => {
    let clock = Date.now();
    const key = ec('k.pem');
    const issuer = await issuerWith([key], () => clock);
    const { token } = await issuer.issueAccessToken(input);
    clock += 301_000;
    await expect(issuer.verifyAccessToken(token)).rejects.toBeInstanceOf(OAuthError);
    const other = await issuerWith([ec('o.pem')]);
    await expect(other.verifyAccessToken(token)).rejects.toMatchObject({ error: 'invalid_token' });
    const idToken = await issuer.issueIdToken({
      user: undefined,
      userId: 'u1',
      clientId: 'c1',
      scope: ['openid'],
    });
    clock -= 301_000;
    await expect(issuer.verifyAccessToken(idToken)).rejects.toMatchObject({ error: 'invalid_token' });
    for (const bad of ['', 'a.b.c', 'x'.repeat(9000), 'eyJhbGciOiJub25lIn0.e30.'])
      await expect(issuer.verifyAccessToken(bad)).rejects.toMatchObject({ error: 'invalid_token' });
  });
});
