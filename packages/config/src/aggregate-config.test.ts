import { describe, expect, it } from 'vitest';
import { parseConfig } from './parse-config.js';
import { BASE_ENV, baseConfig, configErrorOf, expectIssue, variant } from './test-support/config-fixtures.js';

const parse = (config: object) => parseConfig(config, { env: BASE_ENV });

const AGGREGATE = [
  { name: 'corp', backend: 'http://127.0.0.1:9101/mcp', upstream: 'corp' },
  {
    name: 'github',
    backend: 'http://127.0.0.1:9102/mcp',
    upstream: 'github',
    header_strategy: 'custom',
    custom_header_name: 'X-Upstream-Token',
  },
];
const withAggregate = (route: Record<string, unknown> = {}) =>
  variant(baseConfig(), { 'routes.2': { path: '/mcp/all', aggregate: AGGREGATE, ...route } as never });

describe('routes[].aggregate: one MCP endpoint over several backends', () => {
  it('is normalized apart from the proxy routes, with its resource and default session bounds', () => {
    const config = parse(withAggregate());
    expect(config.routes.map((route) => route.path)).toEqual(['/mcp/corp', '/mcp/github']);
    expect(config.aggregateRoutes).toEqual([
      {
        path: '/mcp/all',
        resource: 'http://127.0.0.1:8080/mcp/all',
        sessions: { perGatewaySession: 8, total: 1000 },
        backends: [
          { name: 'corp', backend: 'http://127.0.0.1:9101/mcp', upstream: 'corp', headerStrategy: 'replace' },
          {
            name: 'github',
            backend: 'http://127.0.0.1:9102/mcp',
            upstream: 'github',
            headerStrategy: 'custom',
            customHeaderName: 'X-Upstream-Token',
          },
        ],
      },
    ]);
    expect(parse(baseConfig()).aggregateRoutes).toEqual([]);
  });

  it('takes session bounds', () => {
    const config = parse(withAggregate({ aggregate_sessions: { per_gateway_session: 2, total: 5 } }));
    expect(config.aggregateRoutes[0]!.sessions).toEqual({ perGatewaySession: 2, total: 5 });
  });

  it('names unique and usable as tool prefixes, each upstream configured, backends absolute URLs', () => {
    const shape = configErrorOf(() =>
      parse(
        withAggregate({
          aggregate: [
            { name: 'corp', backend: '/relative', upstream: 'corp' },
            { name: 'Bad__name', backend: 'http://127.0.0.1:9103/mcp', upstream: 'corp' },
          ],
        }),
      ),
    );
    expectIssue(shape, 'routes[2].aggregate[0].backend', /absolute http\(s\) URL/);
    expectIssue(shape, 'routes[2].aggregate[1].name', /prefixes tool names/);
    const rules = configErrorOf(() =>
      parse(
        withAggregate({
          aggregate: [
            { name: 'corp', backend: 'http://127.0.0.1:9101/mcp', upstream: 'corp' },
            { name: 'corp', backend: 'http://127.0.0.1:9102/mcp', upstream: 'gitub' },
            {
              name: 'hdr',
              backend: 'http://127.0.0.1:9104/mcp',
              upstream: 'corp',
              header_strategy: 'custom',
            },
            { name: 'gh', backend: 'http://127.0.0.1:9105/mcp' },
          ],
        }),
      ),
    );
    expectIssue(rules, 'routes[2].aggregate[1].name', /duplicates aggregate\[0\]\.name/);
    expectIssue(rules, 'routes[2].aggregate[1].upstream', /did you mean "github"/);
    expectIssue(
      rules,
      'routes[2].aggregate[2].custom_header_name',
      /required when header_strategy is custom/,
    );
    expectIssue(rules, 'routes[2].aggregate[3].upstream', /required when several upstreams/);
  });

  it('a route is either a proxy route or an aggregate route', () => {
    const both = configErrorOf(() => parse(withAggregate({ backend: 'http://127.0.0.1:9105' })));
    expectIssue(both, 'routes[2].backend', /not allowed with aggregate/);
    const neither = configErrorOf(() => parse(variant(baseConfig(), { 'routes.2': { path: '/mcp' } })));
    expectIssue(neither, 'routes[2].backend', /is required \(or aggregate/);
    const perBackend = configErrorOf(() =>
      parse(withAggregate({ upstream: 'corp', header_strategy: 'replace' })),
    );
    expectIssue(perBackend, 'routes[2].upstream', /set per backend/);
    expectIssue(perBackend, 'routes[2].header_strategy', /set per backend/);
    const sessions = configErrorOf(() =>
      parse(variant(baseConfig(), { 'routes.0.aggregate_sessions': { total: 3 } })),
    );
    expectIssue(sessions, 'routes[0].aggregate_sessions', /only allowed with aggregate/);
    const empty = configErrorOf(() => parse(withAggregate({ aggregate: [] })));
    expectIssue(empty, 'routes[2].aggregate', /at least one backend/);
    const bounds = configErrorOf(() =>
      parse(withAggregate({ aggregate_sessions: { per_gateway_session: 0 } })),
    );
    expectIssue(bounds, 'routes[2].aggregate_sessions.per_gateway_session', /between 1 and 1000/);
  });

  it('its path is checked like every route path', () => {
    const error = configErrorOf(() =>
      parse(variant(baseConfig(), { 'routes.2': { path: '/mcp', aggregate: AGGREGATE } as never })),
    );
    expectIssue(error, 'routes[0].path', /lies under routes\[2\]\.path/);
  });
});
