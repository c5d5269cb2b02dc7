import { createPrivateKey } from 'node:crypto';
import type { SigningAlgorithm, SigningKeyConfig } from '../gateway-config.js';
import { Secret } from '../secret.js';
import type { PathSegment } from './issue-path.js';
import { readReferencedFile, type ValidationContext } from './validation-context.js';

const PKCS8_HEADER = '-----BEGIN PRIVATE KEY-----';

/**
 * The JWS algorithm (RFC 7518 §3.1, RFC 8037) for a PKCS8 PEM private key, or
 * a message saying why the key is not supported.
 */
export function signingAlgorithmOf(pem: string): { alg: SigningAlgorithm } | { problem: string } {
  if (!pem.includes(PKCS8_HEADER)) {
    return { problem: `must be a PKCS8 PEM private key (${PKCS8_HEADER}), unencrypted` };
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return { problem: 'is not a readable PKCS8 PEM private key' };
  }
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec':
      return details.namedCurve === 'prime256v1'
        ? { alg: 'ES256' }
        : { problem: `uses EC curve ${details.namedCurve ?? 'unknown'}; only P-256 (ES256) is supported` };
    case 'rsa':
      return (details.modulusLength ?? 0) >= 2048
        ? { alg: 'RS256' }
        : { problem: `is an RSA key of ${details.modulusLength ?? 0} bits; at least 2048 are required` };
    case 'ed25519':
      return { alg: 'EdDSA' };
    default:
      return {
        problem: `is a ${key.asymmetricKeyType ?? 'unknown'} key; use P-256 (ES256), RSA ≥ 2048 (RS256) or Ed25519 (EdDSA)`,
      };
  }
}

/** Reads and classifies the configured signing keys; problems are reported at each entry's `file`. */
export function loadSigningKeys(
  ctx: ValidationContext,
  entries: ReadonlyArray<{ file: string } | undefined>,
): SigningKeyConfig[] {
  const keys: SigningKeyConfig[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (entry === undefined) return;
    const path: PathSegment[] = ['signing_keys', index, 'file'];
    const read = readReferencedFile(ctx, entry.file, path);
    if (read === undefined) return;
    const previous = seen.get(read.absolutePath);
    if (previous !== undefined) {
      ctx.issues.add(path, `names the same file as signing_keys[${previous}].file`);
      return;
    }
    seen.set(read.absolutePath, index);
    const kind = signingAlgorithmOf(read.text);
    if ('problem' in kind) {
      ctx.issues.add(path, `key ${kind.problem}`);
      return;
    }
    keys.push({ file: read.absolutePath, alg: kind.alg, pem: new Secret(read.text) });
  });
  return keys;
}
