import type { OAuthClient } from '@auth/storage';
import { OAuthError } from '../../oauth-error.js';
import { parseClientMetadata } from '../client-metadata.js';
import { MetadataDocumentError } from './metadata-document-error.js';

const SHARED_SECRET_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'];

/**
 * The client a metadata document describes (draft-ietf-oauth-client-id-metadata-document §4.1):
 * its `client_id` equals the URL it was fetched from (simple string comparison, RFC 3986 §6.2.1),
 * it names the client (`client_name`, which MCP requires) and its redirect URIs, which are then
 * matched exactly like registered ones. A document cannot establish a shared secret, so
 * `client_secret*` methods and fields are refused; `private_key_jwt` is refused too, because
 * this server authenticates no client by a signed assertion: a document's client is public
 * (`none`, PKCE). Throws `MetadataDocumentError` naming the field.
 */
export function documentClient(
  url: string,
  document: Record<string, unknown>,
  scopesSupported: readonly string[],
  now: number,
): OAuthClient {
  if (document['client_id'] !== url)
    throw new MetadataDocumentError(
      typeof document['client_id'] === 'string'
        ? 'its client_id is not the URL it was fetched from'
        : 'it has no client_id',
    );
  const name = document['client_name'];
  if (typeof name !== 'string' || name.trim() === '')
    throw new MetadataDocumentError('it has no client_name');
  if (document['client_secret'] !== undefined || document['client_secret_expires_at'] !== undefined)
    throw new MetadataDocumentError('it holds a client_secret, which a metadata document must not');
  const method = document['token_endpoint_auth_method'];
  if (typeof method === 'string' && SHARED_SECRET_METHODS.includes(method))
    throw new MetadataDocumentError(
      `its token_endpoint_auth_method is ${method}, a shared secret a metadata document cannot establish; use none`,
    );
  if (method === 'private_key_jwt')
    throw new MetadataDocumentError(
      'its token_endpoint_auth_method is private_key_jwt, which this server does not support; use none',
    );
  let metadata: ReturnType<typeof parseClientMetadata>;
  try {
    metadata = parseClientMetadata(document, {
      scopesSupported,
      authMethods: ['none'],
      defaultAuthMethod: 'none',
    });
  } catch (error) {
    if (error instanceof OAuthError) throw new MetadataDocumentError(error.errorDescription);
    throw error;
  }
  return {
    clientId: url,
    redirectUris: metadata.redirectUris,
    grantTypes: metadata.grantTypes,
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'none',
    hasSecret: false,
    clientName: name,
    createdAt: now,
    metadata: metadata.kept,
    ...(metadata.scope === undefined ? {} : { scope: metadata.scope }),
  };
}
