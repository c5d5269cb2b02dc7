import * as z from 'zod';
import { duration, nonEmptyString, secretSource } from './primitives.js';
import { strictObject } from './strict-object.js';

/** A host as it appears in a URL: a name or an IP address (IPv6 with or without brackets), no scheme, port or path. */
function hostProblem(value: string): string | undefined {
  const bare = value.replace(/^\[(.*)\]$/, '$1');
  const authority = bare.includes(':') ? `[${bare}]` : bare;
  let hostname: string;
  try {
    hostname = new URL(`https://${authority}/`).hostname;
  } catch {
    return 'must be a host name or an IP address (no scheme, port or path)';
  }
  if (hostname.replace(/^\[(.*)\]$/, '$1') !== bare.toLowerCase() && hostname !== authority.toLowerCase())
    return 'must be a host name or an IP address (no scheme, port or path)';
  return undefined;
}

const metadataDocumentHost = nonEmptyString.superRefine((value, ctx) => {
  const problem = hostProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

export const registrationSchema = strictObject({
  enabled: z.boolean().default(true).meta({ description: 'Dynamic client registration (RFC 7591).' }),
  metadata_documents: z.boolean().default(true).meta({
    description:
      'Client ID Metadata Documents: an https URL client_id is fetched as the client metadata (draft-ietf-oauth-client-id-metadata-document).',
  }),
  metadata_document_hosts: z.array(metadataDocumentHost).default([]).meta({
    description:
      'Hosts whose client metadata documents may be fetched from private, loopback or link-local addresses (every other host must resolve to public addresses only).',
  }),
  metadata_document_min_ttl: duration(
    '1s',
    '1d',
    '60s',
    'Shortest time a fetched client metadata document is cached, and its time when it sends no max-age (1s to 1d).',
  ),
  metadata_document_max_ttl: duration(
    '1m',
    '30d',
    '1d',
    'Longest time a client metadata document is cached, whatever its Cache-Control says (1m to 30d).',
  ),
  ...secretSource(
    'initial_access_token',
    'the RFC 7591 §3 initial access token: when set, /oauth/register requires it as a bearer token',
  ),
  unused_client_lifetime: duration(
    '1h',
    '365d',
    '30d',
    'How long a registered client is kept without use (1h to 365d); each token issued to it extends this, at least as long as its refresh tokens live.',
  ),
})
  .superRefine((value, ctx) => {
    if (value.metadata_document_min_ttl > value.metadata_document_max_ttl)
      ctx.addIssue({
        code: 'custom',
        path: ['metadata_document_min_ttl'],
        message: 'must not exceed metadata_document_max_ttl',
      });
  })
  .prefault({})
  .meta({ description: 'Dynamic client registration (RFC 7591) and Client ID Metadata Documents.' });
