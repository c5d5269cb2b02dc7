import type { IncomingMessage, ServerResponse } from 'node:http';
import { removeDotSegments } from './remove-dot-segments.js';

/** A path worth a closer look: a dot, an encoded dot or slash, or a backslash. */
const SUSPECT = /[.\\]|%2e|%2f|%5c/i;
const ENCODED_DOT = /%2e/gi;
/** What a lenient backend may read as `/`: an encoded slash or backslash, or a backslash (WHATWG URL does). */
const SLASH_LIKE = /%2f|%5c|\\/gi;

/**
 * The route a path belongs to, matched as express's router matches a mount path (case-insensitive,
 * at a segment boundary), or undefined.
 */
function routeOf(path: string, routes: readonly string[]): string | undefined {
  const lower = path.toLowerCase();
  return routes.find((route) => lower === route || lower.startsWith(`${route}/`));
}

function refuse(res: ServerResponse): void {
  const body = JSON.stringify({
    error: 'invalid_request',
    error_description: 'Dot segments in the request path change its route.',
  });
  res.writeHead(400, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Where a request may go (docs/architecture.md#the-reference-server): its URL, normalized when it is in a
 * route, or null when dot segments would move it between routes. The path is read three ways: as sent
 * (express's routing), normalized (RFC 3986 §5.2.4 after decoding `%2E`, which RFC 3986 §6.2.2.2 makes
 * equivalent to `.`), and that normalized path as a lenient backend might read it again (`%2F`, `%5C`
 * and `\` as `/`; WHATWG URL parsers take `\` as `/`). When the readings do not name the same route
 * (or one names a route and another none), the answer is null.
 * When they agree on a route, the URL continues with the normalized path and its query as sent;
 * encoded slashes stay encoded (RFC 3986 §2.2: data, not a delimiter). A URL outside every route is
 * returned as sent.
 *
 * `routes` are the configured route paths in lowercase (config paths have no dot segments).
 */
export function routeUrl(url: string, routes: readonly string[]): string | null {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (!SUSPECT.test(path)) return url;
  const normalized = removeDotSegments(path.replace(ENCODED_DOT, '.'));
  // What the backend gets is the normalized path: that is the one a lenient backend reads again.
  const lenient = removeDotSegments(normalized.replace(SLASH_LIKE, '/'));
  const route = routeOf(normalized, routes);
  if (routeOf(path, routes) !== route || routeOf(lenient, routes) !== route) return null;
  if (route === undefined || normalized === path) return url;
  return query === -1 ? normalized : normalized + url.slice(query);
}

/**
 * Express middleware in front of every route: a request whose dot segments would move it between
 * routes (see {@link routeUrl}) gets 400 `invalid_request` before any route sees it, so no route's
 * upstream token goes with it; one that stays in its route continues with the normalized path.
 */
export function dotSegmentGuard(
  routes: readonly string[],
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const lowered = routes.map((route) => route.toLowerCase());
  return (req, res, next) => {
    const url = routeUrl(req.url ?? '/', lowered);
    if (url === null) {
      refuse(res);
      return;
    }
    if (url !== req.url) req.url = url;
    next();
  };
}
