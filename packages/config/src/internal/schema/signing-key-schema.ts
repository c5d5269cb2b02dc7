import * as z from 'zod';
import { filePath } from './primitives.js';
import { strictObject } from './strict-object.js';

export const signingKeySchema = strictObject({
  file: filePath.meta({
    description:
      'PKCS8 PEM private key: P-256 (ES256), RSA of at least 2048 bits (RS256) or Ed25519 (EdDSA). Relative to the config file.',
  }),
}).meta({
  description: 'A signing key. The first one signs; the others are published in the JWKS to verify only.',
});

export const signingKeysSchema = z
  .array(signingKeySchema)
  .default([])
  .meta({ description: 'Signing keys; absent means an ephemeral ES256 key (with a warning).' });
