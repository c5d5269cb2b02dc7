import type { Request } from 'express';

/** The matched route pattern (e.g. `/oauth/callback/:upstream`), never the raw, client-chosen path. */
export function logRoute(req: Request): string {
  const route: unknown = (req as { route?: { path?: unknown } }).route?.path;
  if (typeof route === 'string') return route;
  return Array.isArray(route) ? route.join('|') : 'unmatched';
}
