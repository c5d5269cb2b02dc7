import type { SigningAlgorithm, StaticClientConfig } from '../../gateway-config.js';
import type { PathSegment } from '../issue-path.js';
import type { ParsedSections } from '../parse-sections.js';
import { checkSecretOfRawEntry, resolveSecret } from '../resolve-secret.js';
import type { ValidationContext } from '../validation-context.js';
import { reportDuplicates } from './duplicates.js';

/**
 * Client ids unique, redirect URIs unique, scopes among `scopes_supported`, an ID token algorithm
 * some key signs with (RS256, or `signingAlg`, the first signing key's), secrets resolved.
 */
export function checkClients(
  ctx: ValidationContext,
  sections: ParsedSections,
  signingAlg: SigningAlgorithm,
): StaticClientConfig[] {
  const { issues } = ctx;
  reportDuplicates(
    issues,
    sections.clients.map((entry) => entry?.client_id),
    (index) => ['clients', index, 'client_id'],
    (first) => `clients[${first}].client_id; client ids must be unique`,
  );
  const normalized: StaticClientConfig[] = [];
  sections.clients.forEach((entry, index) => {
    const path: PathSegment[] = ['clients', index];
    if (entry === undefined) {
      checkSecretOfRawEntry(ctx, sections.raw['clients'], index, 'client_secret', path);
      return;
    }
    reportDuplicates(
      issues,
      entry.redirect_uris,
      (i) => [...path, 'redirect_uris', i],
      (first) => `redirect_uris[${first}]`,
    );
    const supported = sections.scopesSupported;
    entry.scopes?.forEach((scope, i) => {
      if (supported !== undefined && !supported.includes(scope)) {
        issues.add([...path, 'scopes', i], 'is not listed in scopes_supported');
      }
    });
    const alg = entry.id_token_signed_response_alg;
    if (alg !== undefined && alg !== 'RS256' && alg !== signingAlg) {
      issues.add(
        [...path, 'id_token_signed_response_alg'],
        `must be RS256 or ${signingAlg} (the signing key's algorithm)`,
      );
    }
    const clientSecret = resolveSecret(ctx, entry, 'client_secret', path);
    normalized.push({
      clientId: entry.client_id,
      ...(clientSecret === undefined ? {} : { clientSecret }),
      ...(entry.client_name === undefined ? {} : { clientName: entry.client_name }),
      redirectUris: entry.redirect_uris,
      trusted: entry.trusted,
      ...(entry.scopes === undefined ? {} : { scopes: entry.scopes }),
      ...(alg === undefined ? {} : { idTokenSignedResponseAlg: alg }),
    });
  });
  return normalized;
}
