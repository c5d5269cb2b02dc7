import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';
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

/** The keys of the server: the first signs, every key verifies (rotation without invalidating live tokens). */
export interface SigningKeys {
  signing: PublicSigningKey & { privateKey: KeyObject };
  all: PublicSigningKey[];
  /** True when no key was configured and an ephemeral ES256 key was generated. */
  ephemeral: boolean;
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

/** Loads the configured PKCS8 keys, or generates an ephemeral ES256 key when none is configured. */
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
  const all: PublicSigningKey[] = [];
  for (const { privateKey, alg } of privateKeys) all.push(await describe(privateKey, alg));
  const first = privateKeys[0]!;
  const signing = { ...all[0]!, privateKey: first.privateKey };
  const material = first.privateKey.export({ type: 'pkcs8', format: 'der' });
  return {
    signing,
    all,
    ephemeral,
    derivedSecret(purpose) {
      return new Uint8Array(hkdfSync('sha256', material, 'auth-chain', purpose, 32));
    },
  };
}
