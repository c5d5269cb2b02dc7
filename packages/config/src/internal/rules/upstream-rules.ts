import type { UpstreamConfig } from '../../gateway-config.js';
import type { PathSegment } from '../issue-path.js';
import type { ParsedSections } from '../parse-sections.js';
import { checkSecretOfRawEntry, resolveSecret } from '../resolve-secret.js';
import type { ValidationContext } from '../validation-context.js';
import { reportDuplicates } from './duplicates.js';

/** The name a lone unnamed upstream gets (RFC). */
export const DEFAULT_UPSTREAM_NAME = 'default';

/**
 * The upstream names as the routes will see them, including names of entries
 * that failed other checks (so a route is not also reported for them).
 */
export function upstreamNames(sections: ParsedSections): string[] {
  const raw = sections.raw['upstreams'];
  if (!Array.isArray(raw)) return [];
  if (raw.length === 1) {
    const name = (raw[0] as { name?: unknown } | null)?.name;
    return [typeof name === 'string' ? name : DEFAULT_UPSTREAM_NAME];
  }
  return raw.flatMap((entry) => {
    const name = (entry as { name?: unknown } | null)?.name;
    return typeof name === 'string' ? [name] : [];
  });
}

/** The name rules (docs/architecture.md#naming-rules), the first upstream never optional, scopes, secrets; returns the normalized upstreams. */
export function checkUpstreams(
  ctx: ValidationContext,
  sections: ParsedSections,
  maxUpstreams: number | undefined,
): UpstreamConfig[] {
  const { issues } = ctx;
  const entries = sections.upstreams;
  if (maxUpstreams !== undefined && entries.length > maxUpstreams) {
    issues.add(
      ['upstreams'],
      `this gateway supports at most ${maxUpstreams} upstream${maxUpstreams === 1 ? '' : 's'}; ${entries.length} are configured`,
    );
  }
  checkNames(ctx, sections.raw['upstreams']);

  const normalized: UpstreamConfig[] = [];
  entries.forEach((entry, index) => {
    const path: PathSegment[] = ['upstreams', index];
    if (entry === undefined) {
      checkSecretOfRawEntry(ctx, sections.raw['upstreams'], index, 'client_secret', path);
      return;
    }
    if (index === 0 && entry.optional) {
      issues.add([...path, 'optional'], 'the first upstream cannot be optional');
    }
    if (entry.type === 'oidc' && !entry.scopes.includes('openid')) {
      issues.add([...path, 'scopes'], 'must include "openid" for an oidc upstream');
    }
    reportDuplicates(
      issues,
      entry.scopes,
      (i) => [...path, 'scopes', i],
      (first) => `scopes[${first}]`,
    );
    const clientSecret = resolveSecret(ctx, entry, 'client_secret', path);
    const base = {
      name: entry.name ?? DEFAULT_UPSTREAM_NAME,
      ...(entry.display_name === undefined ? {} : { displayName: entry.display_name }),
      clientId: entry.client_id,
      ...(clientSecret === undefined ? {} : { clientSecret }),
      scopes: entry.scopes,
      optional: entry.optional,
      timeout: entry.timeout,
    };
    if (entry.type === 'oidc') {
      normalized.push({ type: 'oidc', ...base, issuer: entry.issuer });
    } else {
      const { endpoint, subject_field, name_field, email_field } = entry.userinfo;
      normalized.push({
        type: 'oauth2',
        ...base,
        authorizationEndpoint: entry.authorization_endpoint,
        tokenEndpoint: entry.token_endpoint,
        userinfo: {
          endpoint,
          subjectField: subject_field,
          ...(name_field === undefined ? {} : { nameField: name_field }),
          ...(email_field === undefined ? {} : { emailField: email_field }),
        },
        reauthenticationPrompt: entry.reauthentication_prompt,
      });
    }
  });
  return normalized;
}

/** Names are unique; with several upstreams each is explicit and none is `default` (RFC). Read from the raw list so entries with other problems are checked too. */
function checkNames(ctx: ValidationContext, raw: unknown): void {
  if (!Array.isArray(raw)) return;
  const names = raw.map((entry) => {
    const name = (entry as { name?: unknown } | null)?.name;
    return typeof name === 'string' ? name : undefined;
  });
  reportDuplicates(
    ctx.issues,
    names,
    (index) => ['upstreams', index, 'name'],
    (first) => `upstreams[${first}].name; upstream names must be unique`,
  );
  if (raw.length < 2) return;
  raw.forEach((entry, index) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return;
    const name = names[index];
    if (!('name' in entry)) {
      ctx.issues.add(['upstreams', index, 'name'], 'is required when several upstreams are configured');
    } else if (name === DEFAULT_UPSTREAM_NAME) {
      ctx.issues.add(
        ['upstreams', index, 'name'],
        '"default" is reserved for a lone unnamed upstream; choose a name',
      );
    }
  });
}
