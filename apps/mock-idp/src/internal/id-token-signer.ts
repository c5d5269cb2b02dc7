import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import type { IdTokenFault } from '../mock-idp-faults.js';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** The claims of one ID token before any fault is applied (OIDC Core §2). */
export interface IdTokenClaims {
  issuer: string;
  subject: string;
  audience: string;
  issuedAt: number;
  ttlSeconds: number;
  nonce: string | undefined;
  /** When the user authenticated (epoch ms): `auth_time` (OIDC Core §2). */
  authTime: number;
  extra: Record<string, unknown>;
}

/** Signs ID tokens with the instance's own ES256 key and publishes it as a JWKS. */
export class IdTokenSigner {
  readonly #key: KeyPair;
  readonly #kid: string;
  readonly #publicJwk: JWK;
  #otherKey: Promise<KeyPair> | undefined;

  private constructor(key: KeyPair, kid: string, publicJwk: JWK) {
    this.#key = key;
    this.#kid = kid;
    this.#publicJwk = publicJwk;
  }

  static async create(): Promise<IdTokenSigner> {
    const key = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(key.publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    return new IdTokenSigner(key, kid, { ...jwk, kid, alg: 'ES256', use: 'sig' });
  }

  /** RFC 7517 JWK Set of the verification key. */
  jwks(): { keys: JWK[] } {
    return { keys: [{ ...this.#publicJwk }] };
  }

  /** Signs the claims, applying an ID-token fault when one is given. */
  async sign(claims: IdTokenClaims, fault: IdTokenFault | undefined): Promise<string> {
    const iat = Math.floor(claims.issuedAt / 1000);
    const payload: JWTPayload = {
      ...claims.extra,
      iss: fault === 'wrong_issuer' ? `${claims.issuer}/wrong-issuer` : claims.issuer,
      sub: claims.subject,
      aud: fault === 'wrong_audience' ? 'someone-else' : claims.audience,
      iat: fault === 'expired' ? iat - 2 * claims.ttlSeconds - 600 : iat,
      exp: fault === 'expired' ? iat - claims.ttlSeconds - 600 : iat + claims.ttlSeconds,
    };
    if (fault !== 'no_auth_time') payload['auth_time'] = Math.floor(claims.authTime / 1000);
    if (fault === 'wrong_nonce') payload['nonce'] = `wrong-${claims.nonce ?? 'nonce'}`;
    else if (claims.nonce !== undefined) payload['nonce'] = claims.nonce;

    if (fault === 'alg_none') return new UnsecuredJWT(payload).encode();
    let signingKey = this.#key.privateKey;
    if (fault === 'bad_signature') {
      // Same kid, another key: the JWKS lookup succeeds and the signature check fails.
      this.#otherKey ??= generateKeyPair('ES256');
      signingKey = (await this.#otherKey).privateKey;
    }
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: this.#kid, typ: 'JWT' })
      .sign(signingKey);
  }
}
