import { isScopeToken } from '@auth/protocol';
import type { TokenEndpointAuthMethod } from '@auth/storage';
import type { SigningAlgorithm } from '../authorization-server-options.js';
import { OAuthError } from '../oauth-error.js';
import { displayTextProblem, metadataUrlProblem, URL_METADATA } from './display-metadata.js';
import { redirectUriProblem } from './redirect-uri.js';
import { parseScope } from './scopes.js';

const GRANT_TYPES = ['authorization_code', 'refresh_token'];
const STRING_METADATA = [
  'client_name',
  'client_uri',
  'logo_uri',
  'tos_uri',
  'policy_uri',
  'software_id',
  'software_version',
];

/** RFC 7591 §2 client metadata, checked: what a registration or a client metadata document may set. */
export interface ClientMetadata {
  redirectUris: string[];
  authMethod: TokenEndpointAuthMethod;
  grantTypes: string[];
  /** Space-joined, only when the metadata named a scope. */
  scope?: string;
  /** The string fields kept as given (`client_name`, `client_uri`, …), for echoing and display. */
  kept: Record<string, string>;
}

/** How the metadata may name its token endpoint authentication (RFC 7591 §2). */
export interface ClientMetadataRules {
  scopesSupported: readonly string[];
  authMethods: readonly TokenEndpointAuthMethod[];
  /** The method when the metadata names none (RFC 7591: `client_secret_basic`). */
  defaultAuthMethod: TokenEndpointAuthMethod;
  /**
   * The ID token algorithms offered (OIDC Registration §2 `id_token_signed_response_alg`, kept when
   * one of them). Absent: the field is not read (the client gets the signing key's algorithm).
   */
  idTokenAlgorithms?: readonly SigningAlgorithm[];
  /** Most `redirect_uris` the metadata may list. Default 20. */
  maxRedirectUris?: number;
}

function metadataError(description: string): OAuthError {
  return new OAuthError('invalid_client_metadata', description);
}

function stringArray(value: unknown, field: string, maxItems: number): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > maxItems || value.some((item) => typeof item !== 'string'))
    throw metadataError(`${field} must be an array of at most ${maxItems} strings`);
  return value as string[];
}

/**
 * Checks RFC 7591 §2 client metadata: redirect URIs (`invalid_redirect_uri`), the token endpoint
 * authentication method, grant and response types, scope and the display strings (each
 * `invalid_client_metadata`). Throws `OAuthError` with a description that names the field.
 */
export function parseClientMetadata(value: unknown, rules: ClientMetadataRules): ClientMetadata {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw metadataError('the metadata must be a JSON object');
  const metadata = value as Record<string, unknown>;

  const redirectUris = stringArray(metadata['redirect_uris'], 'redirect_uris', rules.maxRedirectUris ?? 20);
  if (redirectUris === undefined || redirectUris.length === 0)
    throw new OAuthError('invalid_redirect_uri', 'redirect_uris is required');
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem !== undefined) throw new OAuthError('invalid_redirect_uri', problem);
  }

  const method = metadata['token_endpoint_auth_method'] ?? rules.defaultAuthMethod;
  if (typeof method !== 'string' || !rules.authMethods.includes(method as TokenEndpointAuthMethod))
    throw metadataError(`token_endpoint_auth_method must be ${rules.authMethods.join(', ')}`);

  const grantTypes = stringArray(metadata['grant_types'], 'grant_types', 5) ?? ['authorization_code'];
  if (grantTypes.length === 0 || grantTypes.some((g) => !GRANT_TYPES.includes(g)))
    throw metadataError('grant_types may hold only authorization_code and refresh_token');
  if (!grantTypes.includes('authorization_code'))
    throw metadataError('grant_types must include authorization_code');
  const responseTypes = stringArray(metadata['response_types'], 'response_types', 5) ?? ['code'];
  if (responseTypes.length === 0 || responseTypes.some((r) => r !== 'code'))
    throw metadataError('response_types may hold only code');

  const scopeValue = metadata['scope'];
  if (scopeValue !== undefined && (typeof scopeValue !== 'string' || scopeValue.length > 2048))
    throw metadataError('scope must be a string');
  const scopes = parseScope(scopeValue);
  if (scopes.some((s) => !isScopeToken(s) || !rules.scopesSupported.includes(s)))
    throw metadataError('scope holds an unsupported scope');

  const kept: Record<string, string> = {};
  const idTokenAlg = metadata['id_token_signed_response_alg'];
  if (rules.idTokenAlgorithms !== undefined && idTokenAlg !== undefined) {
    const offered = rules.idTokenAlgorithms;
    if (typeof idTokenAlg !== 'string' || !offered.includes(idTokenAlg as SigningAlgorithm))
      throw metadataError(`id_token_signed_response_alg must be one of ${offered.join(', ')}`);
    kept['id_token_signed_response_alg'] = idTokenAlg;
  }
  for (const field of STRING_METADATA) {
    const item = metadata[field];
    if (item === undefined) continue;
    if (typeof item !== 'string' || item.length > 512) throw metadataError(`${field} must be a short string`);
    const problem = (URL_METADATA as readonly string[]).includes(field)
      ? metadataUrlProblem(field, item)
      : displayTextProblem(field, item);
    if (problem !== undefined) throw metadataError(problem);
    kept[field] = item;
  }
  return {
    redirectUris: [...new Set(redirectUris)],
    authMethod: method as TokenEndpointAuthMethod,
    grantTypes: [...new Set(grantTypes)],
    ...(scopeValue === undefined ? {} : { scope: scopes.join(' ') }),
    kept,
  };
}
