import { hasHiddenFormatting, secureUrlProblem } from '@auth/protocol';
import * as z from 'zod';
import {
  checkedString,
  duration,
  nonEmptyString,
  scopeToken,
  secretSource,
  upstreamName,
} from './primitives.js';
import { strictObject } from './strict-object.js';

function upstreamUrl(description: string) {
  return checkedString(secureUrlProblem, 'uri').meta({ description });
}

const fieldName = nonEmptyString;

/** Text a user reads on the consent page: 1 to 100 characters, nothing that hides or reorders it. */
function displayNameProblem(value: string): string | undefined {
  if (value.trim() === '' || value.length > 100) return 'must be 1 to 100 characters, not only spaces';
  if (hasHiddenFormatting(value)) return 'must not contain control or bidirectional formatting characters';
  return undefined;
}

const common = {
  name: upstreamName.optional().meta({
    description:
      'Unique name, ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$. May be omitted only for a lone upstream, which is then named "default".',
  }),
  display_name: checkedString(displayNameProblem).optional().meta({
    description:
      'How the consent page names this IdP to the user (e.g. "Corp SSO"); 1 to 100 characters. Default: the name.',
  }),
  client_id: nonEmptyString.meta({ description: 'The gateway\u2019s client id at this IdP.' }),
  ...secretSource(
    'client_secret',
    'the gateway\u2019s client secret at this IdP (absent: a public client, PKCE only)',
  ),
  timeout: duration(
    '1s',
    '2m',
    '10s',
    'How long the gateway waits for this IdP (1s to 2m): each call of a login leg, and a request waiting for a token refresh (which then answers 503; a refresh answered later is still kept).',
  ),
  optional: z.boolean().default(false).meta({
    description:
      'When true, a failing leg is skipped (docs/architecture.md#chain-failures-and-optional-upstreams). Never true for the first upstream.',
  }),
};

const scopes = (fallback: string[]) =>
  z.array(scopeToken).default(fallback).meta({ description: 'Scopes requested at this IdP.' });

export const oidcUpstreamSchema = strictObject({
  type: z.literal('oidc'),
  issuer: upstreamUrl('Issuer of the OpenID Provider; its discovery document is fetched from here.'),
  ...common,
  scopes: scopes(['openid']),
}).meta({ description: 'An OpenID Connect upstream, configured by discovery.' });

export const oauth2UpstreamSchema = strictObject({
  type: z.literal('oauth2'),
  authorization_endpoint: upstreamUrl('Authorization endpoint (RFC 6749 §3.1).'),
  token_endpoint: upstreamUrl('Token endpoint (RFC 6749 §3.2).'),
  userinfo: strictObject({
    endpoint: upstreamUrl('Endpoint returning the user as JSON, called with the access token.'),
    subject_field: fieldName.default('id').meta({ description: 'Field holding the stable user id.' }),
    name_field: fieldName.optional().meta({ description: 'Field holding the display name.' }),
    email_field: fieldName.optional().meta({ description: 'Field holding the email address.' }),
  }).meta({ description: 'Where the user identity comes from (plain OAuth 2.0 has no ID token).' }),
  reauthentication_prompt: z.enum(['select_account', 'login']).default('select_account').meta({
    description:
      'The prompt sent to this upstream when the client asks the user to sign in again (prompt=login or max_age, OIDC Core §3.1.2.1): select_account (GitHub\u2019s account picker) or login (with max_age) for servers that honour OIDC\u2019s parameters.',
  }),
  ...common,
  scopes: scopes([]),
}).meta({ description: 'A plain OAuth 2.0 upstream (e.g. GitHub): endpoints given, no discovery.' });

export const upstreamSchema = z.discriminatedUnion('type', [oidcUpstreamSchema, oauth2UpstreamSchema]);

/** Keys allowed for each upstream type, to explain a key given for the wrong type. */
export const UPSTREAM_KEYS_BY_TYPE: Readonly<Record<'oidc' | 'oauth2', readonly string[]>> = {
  oidc: Object.keys(oidcUpstreamSchema.shape),
  oauth2: Object.keys(oauth2UpstreamSchema.shape),
};
