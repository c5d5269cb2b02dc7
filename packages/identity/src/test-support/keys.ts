import { randomUUID } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** A signing key of the test "authorization server". */
export interface TestKey {
  alg: 'ES256' | 'RS256' | 'EdDSA';
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function createTestKey(
  alg: TestKey['alg'] = 'ES256',
  kid = `k-${randomUUID()}`,
): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk };
}

export const ISSUER = 'http://127.0.0.1:8080';
export const AUDIENCE = 'http://127.0.0.1:8080/mcp/corp';
export const RESOURCE_METADATA = 'http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp/corp';

export interface MintOptions {
  claims?: Record<string, unknown>;
  /** Claims to leave out. */
  omit?: string[];
  header?: Record<string, unknown>;
  /** Epoch seconds the token is issued at (default: now). */
  iat?: number;
  lifetimeSeconds?: number;
}

/** Signs an RFC 9068 access token as the gateway's AS would. */
export async function mintAccessToken(key: TestKey, options: MintOptions = {}): Promise<string> {
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: ISSUER,
    sub: 'user-1',
    aud: [AUDIENCE, 'http://127.0.0.1:8080/mcp/github'],
    client_id: 'client-1',
    scope: 'openid offline_access',
    iat,
    exp: iat + (options.lifetimeSeconds ?? 3600),
    jti: randomUUID(),
    tsid: 'session-1',
    ...options.claims,
  };
  for (const name of options.omit ?? []) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, typ: 'at+jwt', kid: key.kid, ...options.header })
    .sign(key.privateKey);
}

/** An unsecured JWT (`alg: none`, RFC 7519 §6) carrying otherwise valid claims. */
export function unsecuredToken(kid: string, claims: Record<string, unknown> = {}): string {
  const iat = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'none', typ: 'at+jwt', kid });
  const payload = encode({
    iss: ISSUER,
    sub: 'user-1',
    aud: AUDIENCE,
    client_id: 'client-1',
    iat,
    exp: iat + 3600,
    jti: randomUUID(),
    tsid: 'session-1',
    ...claims,
  });
  return `${header}.${payload}.`;
}
