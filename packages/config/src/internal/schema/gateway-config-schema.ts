import * as z from 'zod';
import { clientSchema } from './client-schema.js';
import { issuerSchema } from './issuer-schema.js';
import { refreshSchema, usersSchema } from './lifetime-schemas.js';
import { limitsSchema } from './limits-schema.js';
import { metricsSchema } from './metrics-schema.js';
import { scopeToken } from './primitives.js';
import { proxySchema } from './proxy-schema.js';
import { registrationSchema } from './registration-schema.js';
import { allowedHostsSchema, allowedOriginsSchema } from './request-origin-schema.js';
import { routeSchema } from './route-schema.js';
import { serverSchema } from './server-schema.js';
import { signingKeySchema, signingKeysSchema } from './signing-key-schema.js';
import { storageSchema } from './storage-schema.js';
import { strictObject } from './strict-object.js';
import { tokenLifetimesSchema } from './token-lifetimes-schema.js';
import { upstreamSchema } from './upstream-schema.js';

/** Sections that are lists: parsed entry by entry so one bad entry does not hide the others' problems. */
export const listSections = {
  signing_keys: signingKeysSchema,
  clients: z.array(clientSchema).default([]).meta({ description: 'Pre-registered OAuth clients.' }),
  upstreams: z
    .array(upstreamSchema)
    .min(1, { error: 'must list at least one upstream' })
    .meta({ description: 'Upstream identity providers; the chain visits them in this order.' }),
  routes: z.array(routeSchema).default([]).meta({ description: 'Protected routes of the reference server.' }),
} as const;

/** Entry schemas of the list sections. */
export const listEntrySchemas = {
  signing_keys: signingKeySchema,
  clients: clientSchema,
  upstreams: upstreamSchema,
  routes: routeSchema,
} as const;

export const scalarSections = {
  $schema: z.string().optional().meta({ description: 'URL of this JSON Schema, for editors.' }),
  issuer: issuerSchema,
  token_lifetimes: tokenLifetimesSchema,
  scopes_supported: z
    .array(scopeToken)
    .min(1, { error: 'must list at least one scope' })
    .default(['openid', 'profile', 'email', 'offline_access'])
    .meta({ description: 'Scopes the authorization server advertises and grants.' }),
  storage: storageSchema,
  registration: registrationSchema,
  proxy: proxySchema,
  server: serverSchema,
  metrics: metricsSchema,
  users: usersSchema,
  refresh: refreshSchema,
  limits: limitsSchema,
  allowed_hosts: allowedHostsSchema,
  allowed_origins: allowedOriginsSchema,
} as const;

/** The whole configuration file, as written (snake_case). The single source of truth for the JSON Schema. */
export const gatewayConfigSchema = strictObject({
  ...scalarSections,
  signing_keys: listSections.signing_keys,
  token_lifetimes: scalarSections.token_lifetimes,
  scopes_supported: scalarSections.scopes_supported,
  storage: scalarSections.storage,
  registration: scalarSections.registration,
  proxy: scalarSections.proxy,
  server: scalarSections.server,
  metrics: scalarSections.metrics,
  users: scalarSections.users,
  refresh: scalarSections.refresh,
  limits: scalarSections.limits,
  allowed_hosts: scalarSections.allowed_hosts,
  allowed_origins: scalarSections.allowed_origins,
  clients: listSections.clients,
  upstreams: listSections.upstreams,
  routes: listSections.routes,
}).meta({
  title: 'Multi-upstream authorization gateway configuration',
  description:
    'Configuration of @auth/config (docs/architecture.md#configuration). Secrets come from *_env or *_file keys, never inline.',
});

export type ParsedSection<K extends keyof typeof scalarSections> = z.output<(typeof scalarSections)[K]>;
export type ParsedEntry<K extends keyof typeof listEntrySchemas> = z.output<(typeof listEntrySchemas)[K]>;
