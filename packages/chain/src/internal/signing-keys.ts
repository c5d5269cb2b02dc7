import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import type { SigningAlgorithm, SigningKey } from '../authorization-server-options.js';
import { ChainOptionsError } from '../chain-options-error.js';

/** One public key of the JWKS. */
export interface PublicSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  publicKey: KeyObject;
  jwk: JWK;
}

/** A key the server signs with. */
export type PrivateSigningKey = PublicSigningKey & { privateKey: KeyObject };

/** The keys of the server: the first signs, every key verifies (rotation without invalidating live tokens). */
export interface SigningKeys {
  signing: PrivateSigningKey;
  /** Every public key (the JWKS): the configured ones in order, then a generated RS256 key if any. */
  all: PublicSigningKey[];
  /** True when no key was configured and an ephemeral ES256 key was generated. */
  ephemeral: boolean;
  /**
   * The key that signs ID tokens of each algorithm offered (OIDC Discovery §3: RS256 always):
   * the signing key for its own algorithm; for RS256 otherwise the first configured RS256 key,
   * else one generated at start.
   */
  idTokenKeys: ReadonlyMap<SigningAlgorithm, PrivateSigningKey>;
  /** True when the RS256 ID-token key was generated at start (it changes on every restart and replica). */
  ephemeralRs256: boolean;
  /** Key material derived (HKDF) from the signing key, so replicas sharing the key agree on it. */
  derivedSecret(purpose: string): Uint8Array;
}

function checkKeyType(key: KeyObject, alg: SigningAlgorithm, label: string): void {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  const ok =
    (alg === 'ES256' && type === 'ec' && details.namedCurve === 'prime256v1') ||
    (alg === 'RS256' && type === 'rsa' && (details.modulusLength ?? 0) >= 2048) ||
    (alg === 'EdDSA' && type === 'ed25519');
  if (!ok) {
    throw new ChainOptionsError(
      'ERR_CHAIN_INVALID_SIGNING_KEY',
      `signing key ${label}: key type does not match ${alg} (P-256, RSA >= 2048 or Ed25519 expected)`,
    );
  }
}

async function describe(privateKey: KeyObject, alg: SigningAlgorithm) {
  const publicKey = createPublicKey(privateKey);
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported, 'sha256');
  const jwk: JWK = { ...exported, kid, alg, use: 'sig' };
  return { kid, alg, publicKey, jwk };
}

const generateRsa = promisify(generateKeyPair);

/**
 * Loads the configured PKCS8 keys, or generates an ephemeral ES256 key when none is configured;
 * generates an RS256 key for ID tokens when no configured key is RS256.
 */
export async function loadSigningKeys(configured: readonly SigningKey[]): Promise<SigningKeys> {
  const privateKeys: Array<{ privateKey: KeyObject; alg: SigningAlgorithm }> = [];
  for (const entry of configured) {
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key: entry.pem, format: 'pem' });
    } catch (cause) {
      throw new ChainOptionsError(
        'ERR_CHAIN_INVALID_SIGNING_KEY',
        `signing key ${entry.label}: not a readable PKCS8 PEM private key`,
        { cause },
      );
    }
    checkKeyType(privateKey, entry.alg, entry.label);
    privateKeys.push({ privateKey, alg: entry.alg });
  }
  const ephemeral = privateKeys.length === 0;
  if (ephemeral) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    privateKeys.push({ privateKey, alg: 'ES256' });
  }
  const configuredRsa = privateKeys.find((key) => key.alg === 'RS256');
  const ephemeralRs256 = configuredRsa === undefined;
  if (ephemeralRs256) {
    const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
    privateKeys.push({ privateKey, alg: 'RS256' });
  }
  const all: PrivateSigningKey[] = [];
  for (const { privateKey, alg } of privateKeys)
    all.push({ ...(await describe(privateKey, alg)), privateKey });
  const signing = all[0]!;
  const idTokenKeys = new Map<SigningAlgorithm, PrivateSigningKey>([[signing.alg, signing]]);
  if (!idTokenKeys.has('RS256')) idTokenKeys.set('RS256', all.find((key) => key.alg === 'RS256')!);
  const material = signing.privateKey.export({ type: 'pkcs8', format: 'der' });
  return {
    signing,
    all: all.map(({ privateKey: _, ...key }) => key),
    ephemeral,
    idTokenKeys,
    ephemeralRs256,
    derivedSecret(purpose) {
      return new Uint8Array(hkdfSync('sha256', material, 'auth-chain', purpose, 32));
    },
  };
}
