import { type Listening, listen, rawRequest } from '@auth/test-kit';
import express from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dotSegmentGuard, routeUrl } from './dot-segment-guard.js';

const ROUTES = ['/mcp/c', '/mcp/corp'];

/** How a lenient backend reads a path: `%2F`, `%5C` decoded, then WHATWG URL (which also takes `\` as `/`). */
function lenientReading(url: string): string {
  const path = url.split('?')[0]!.replace(/%2f/gi, '/').replace(/%5c/gi, '\\');
  return new URL(`http://backend.test${path}`).pathname;
}

function routeOf(path: string): string | undefined {
  const lower = path.toLowerCase();
  return ROUTES.find((route) => lower === route || lower.startsWith(`${route}/`));
}

describe('routeUrl', () => {
  it.each([
    ['/mcp/c/tools', '/mcp/c/tools'],
    ['/mcp/c/x/../tools?q=../a', '/mcp/c/tools?q=../a'],
    ['/mcp/c/%2E/tools', '/mcp/c/tools'],
    ['/mcp/c/v1.2/file.json', '/mcp/c/v1.2/file.json'],
    ['/mcp/c/a%2Fb', '/mcp/c/a%2Fb'],
    ['/mcp/c/.', '/mcp/c/'],
    // Outside every route in every reading: left as sent (the authorization server answers it).
    ['/oauth/x/../token', '/oauth/x/../token'],
    ['/mcp/c.json', '/mcp/c.json'],
  ])('%s continues as %s', (url, expected) => {
    expect(routeUrl(url, ROUTES)).toBe(expected);
  });

  it.each([
    '/mcp/c/../admin',
    '/mcp/c/%2e%2E/admin',
    '/mcp/c/..',
    '/mcp/c/../corp/x',
    '/mcp/corp/../c/x',
    '/Mcp/C/../admin',
    '/mcp/c/..%2fadmin',
    '/mcp/c/..%5cadmin',
    '/mcp/c/..\\admin',
    '/oauth/../mcp/c/x',
    '/mcp/c%2Fx',
  ])('%s is refused', (url) => {
    expect(routeUrl(url, ROUTES)).toBeNull();
  });

  it('never lets a lenient backend reading land in another route (or out of one) than the one routed to', () => {
    const segment = fc.constantFrom(
      'a',
      'c',
      'corp',
      'mcp',
      '.',
      '..',
      '%2e',
      '%2E%2e',
      '',
      'x%2F..',
      '..\\',
      '%5C..',
    );
    const url = fc
      .tuple(fc.constantFrom('/mcp/c', '/mcp/corp', '/oauth', ''), fc.array(segment, { maxLength: 6 }))
      .map(([prefix, segments]) => `${prefix}/${segments.join('/')}`);
    fc.assert(
      fc.property(url, (sent) => {
        const routed = routeUrl(sent, ROUTES);
        if (routed === null) return;
        const route = routeOf(routed);
        if (route === undefined) {
          // Not proxied: it must not have been in a route as sent either.
          expect(routeOf(sent)).toBeUndefined();
          return;
        }
        expect(routeOf(lenientReading(routed))).toBe(route);
        expect(routeOf(sent)).toBe(route);
        // What the proxy sends (the backend's path + the rest) stays under the backend's path.
        const forwarded = lenientReading(`/corp-api${routed.slice(route.length)}`);
        expect(forwarded === '/corp-api' || forwarded.startsWith('/corp-api/')).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('dotSegmentGuard in an express app', () => {
  let server: Listening;
  beforeAll(async () => {
    const app = express();
    app.use(dotSegmentGuard(ROUTES));
    for (const route of ROUTES) app.use(route, (req, res) => res.json({ route, url: req.url }));
    app.use((_req, res) => res.status(404).json({ route: null }));
    server = await listen(app);
  });
  afterAll(() => server.close());

  it('answers a path that leaves its route with 400 invalid_request in JSON', async () => {
    const response = await rawRequest(server.url, { path: '/mcp/c/%2e%2e/corp/x' });
    expect(response.status).toBe(400);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(response.body)).toEqual({
      error: 'invalid_request',
      error_description: 'Dot segments in the request path change its route.',
    });
  });

  it('hands the route the normalized path, relative to its mount point', async () => {
    const response = await rawRequest(server.url, { path: '/mcp/c/a/%2e%2e/tools?x=..' });
    expect(JSON.parse(response.body)).toEqual({ route: '/mcp/c', url: '/tools?x=..' });
  });
});
