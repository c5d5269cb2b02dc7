import * as z from 'zod';
import { checkedString, nonEmptyString, scopeToken, secretSource, tryUrl } from './primitives.js';
import { strictObject } from './strict-object.js';

const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:']);

/** RFC 6749 §3.1.2: an absolute URI without a fragment. */
export function redirectUriProblem(value: string): string | undefined {
  const url = tryUrl(value);
  if (url === undefined) return 'must be an absolute URL';
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `must not use the ${url.protocol} scheme`;
  if (value.includes('#')) return 'must not contain a fragment (#)';
  return undefined;
}

export const clientSchema = strictObject({
  client_id: nonEmptyString
    .regex(/^[\x21-\x7E]+$/, { error: 'must be printable ASCII without spaces' })
    .meta({ description: 'The client identifier.' }),
  ...secretSource('client_secret', 'the client secret (absent: a public client)'),
  client_name: nonEmptyString.optional().meta({ description: 'Shown on the consent page.' }),
  redirect_uris: z
    .array(checkedString(redirectUriProblem, 'uri'))
    .min(1, { error: 'must list at least one redirect URI' })
    .meta({ description: 'Registered redirect URIs (RFC 6749 §3.1.2); loopback ones match on any port.' }),
  trusted: z.boolean().default(false).meta({ description: 'Trusted clients skip the consent page.' }),
  scopes: z
    .array(scopeToken)
    .optional()
    .meta({ description: 'Scopes this client may request; absent means every supported scope.' }),
  id_token_signed_response_alg: z.enum(['ES256', 'RS256', 'EdDSA']).optional().meta({
    description:
      "Algorithm of this client's ID tokens (OIDC Registration §2): RS256 or the signing key's; absent means the signing key's.",
  }),
}).meta({ description: 'A pre-registered OAuth client.' });
