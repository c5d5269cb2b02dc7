import type { OAuthClient } from '@auth/storage';
import type { ServerContext } from './context.js';
import { isClientIdUrl } from './metadata-documents/client-id-url.js';
import { MetadataDocumentError } from './metadata-documents/metadata-document-error.js';

/** A client found, with the host of its metadata document when its id is one; or why there is none. */
export type ClientLookup =
  | { found: true; client: OAuthClient; documentHost?: string }
  | { found: false; problem: string };

/**
 * The client of a `client_id`: a static or registered one from storage, else, for an `https`
 * URL, the client its metadata document describes (draft-ietf-oauth-client-id-metadata-document §4).
 * `problem` is public text for the error page.
 */
export async function findClient(ctx: ServerContext, clientId: string): Promise<ClientLookup> {
  const stored = await ctx.storage.getClient(clientId);
  if (stored !== undefined) return { found: true, client: stored };
  if (!isClientIdUrl(clientId) || !ctx.metadataDocuments.enabled)
    return { found: false, problem: 'The application is not registered.' };
  try {
    const client = await ctx.metadataDocuments.resolve(clientId);
    return { found: true, client, documentHost: new URL(clientId).host };
  } catch (error) {
    if (!(error instanceof MetadataDocumentError)) throw error;
    return {
      found: false,
      problem: `The application's metadata document at ${clientId} cannot be used: ${error.message}.`,
    };
  }
}
