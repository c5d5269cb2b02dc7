import type * as z from 'zod';
import type { IssueCollector } from './issue-collector.js';
import type { PathSegment } from './issue-path.js';
import {
  gatewayConfigSchema,
  listEntrySchemas,
  listSections,
  type ParsedEntry,
  type ParsedSection,
  scalarSections,
} from './schema/gateway-config-schema.js';
import { collectZodIssues, errorMap, unknownKeyMessage } from './zod-issues.js';

/**
 * The config checked section by section and list entry by list entry, so a
 * problem in one entry does not hide the problems of the others. An entry
 * that failed is `undefined`; later rules skip it.
 */
export interface ParsedSections {
  raw: Readonly<Record<string, unknown>>;
  issuer: string | undefined;
  tokenLifetimes: ParsedSection<'token_lifetimes'> | undefined;
  scopesSupported: string[] | undefined;
  storage: ParsedSection<'storage'> | undefined;
  registration: ParsedSection<'registration'> | undefined;
  proxy: ParsedSection<'proxy'> | undefined;
  server: ParsedSection<'server'> | undefined;
  metrics: ParsedSection<'metrics'> | undefined;
  users: ParsedSection<'users'> | undefined;
  refresh: ParsedSection<'refresh'> | undefined;
  limits: ParsedSection<'limits'> | undefined;
  allowedHosts: string[] | undefined;
  allowedOrigins: string[] | undefined;
  signingKeys: Array<ParsedEntry<'signing_keys'> | undefined>;
  clients: Array<ParsedEntry<'clients'> | undefined>;
  upstreams: Array<ParsedEntry<'upstreams'> | undefined>;
  routes: Array<ParsedEntry<'routes'> | undefined>;
}

/** Checks the shape of every section (types, formats, unknown keys) and applies defaults. */
export function parseSections(input: unknown, issues: IssueCollector): ParsedSections | undefined {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    issues.add([], 'must be a mapping of settings (issuer, upstreams, …)');
    return undefined;
  }
  const raw = input as Record<string, unknown>;
  const allowed = Object.keys(gatewayConfigSchema.shape);
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) issues.add([key], unknownKeyMessage(key, allowed, [], raw));
  }

  const parse = <S extends z.ZodType>(
    schema: S,
    value: unknown,
    path: PathSegment[],
  ): z.output<S> | undefined => {
    const result = schema.safeParse(value, { error: errorMap });
    if (result.success) return result.data;
    collectZodIssues(issues, path, result.error.issues, value);
    return undefined;
  };
  const parseList = <K extends keyof typeof listSections>(key: K): Array<ParsedEntry<K> | undefined> => {
    const value = raw[key];
    if (!Array.isArray(value) || value.length === 0) {
      return (parse(listSections[key], value, [key]) ?? []) as Array<ParsedEntry<K>>;
    }
    const entrySchema = listEntrySchemas[key] as z.ZodType;
    return value.map((entry, index) => parse(entrySchema, entry, [key, index]) as ParsedEntry<K> | undefined);
  };

  parse(scalarSections.$schema, raw['$schema'], ['$schema']);
  return {
    raw,
    issuer: parse(scalarSections.issuer, raw['issuer'], ['issuer']),
    tokenLifetimes: parse(scalarSections.token_lifetimes, raw['token_lifetimes'], ['token_lifetimes']),
    scopesSupported: parse(scalarSections.scopes_supported, raw['scopes_supported'], ['scopes_supported']),
    storage: parse(scalarSections.storage, raw['storage'], ['storage']),
    registration: parse(scalarSections.registration, raw['registration'], ['registration']),
    proxy: parse(scalarSections.proxy, raw['proxy'], ['proxy']),
    server: parse(scalarSections.server, raw['server'], ['server']),
    metrics: parse(scalarSections.metrics, raw['metrics'], ['metrics']),
    users: parse(scalarSections.users, raw['users'], ['users']),
    refresh: parse(scalarSections.refresh, raw['refresh'], ['refresh']),
    limits: parse(scalarSections.limits, raw['limits'], ['limits']),
    allowedHosts: parse(scalarSections.allowed_hosts, raw['allowed_hosts'], ['allowed_hosts']),
    allowedOrigins: parse(scalarSections.allowed_origins, raw['allowed_origins'], ['allowed_origins']),
    signingKeys: parseList('signing_keys'),
    clients: parseList('clients'),
    upstreams: parseList('upstreams'),
    routes: parseList('routes'),
  };
}
