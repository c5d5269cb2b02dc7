import { describe, expect, it } from 'vitest';
import { parseConfig } from './parse-config.js';
import {
  BASE_ENV,
  configErrorOf,
  expectIssue,
  singleUpstreamConfig,
  variant,
} from './test-support/config-fixtures.js';

const single = singleUpstreamConfig();
const parse = (config: object) => parseConfig(config, { env: BASE_ENV });

describe('server: the reference server’s client connections', () => {
  it('has defaults that let ordinary load through and trust no proxy', () => {
    expect(parse(single).server).toEqual({
      startupTimeout: 30,
      headersTimeout: 30,
      requestTimeout: 60,
      keepAliveTimeout: 5,
      maxConnections: 4096,
      shutdownGrace: 10,
      trustProxy: false,
    });
  });

  it('takes durations, a connection cap and a grace period', () => {
    const config = variant(single, {
      'server.headers_timeout': '2s',
      'server.request_timeout': '5m',
      'server.keep_alive_timeout': 65,
      'server.max_connections': 64,
      'server.shutdown_grace': '30s',
    });
    expect(parse(config).server).toMatchObject({
      headersTimeout: 2,
      requestTimeout: 300,
      keepAliveTimeout: 65,
      maxConnections: 64,
      shutdownGrace: 30,
    });
  });

  it.each([
    [false, false],
    [2, 2],
    ['loopback', ['loopback']],
    ['loopback, 10.0.0.0/8 ,fd00::/8', ['loopback', '10.0.0.0/8', 'fd00::/8']],
    [['203.0.113.7', '192.168.0.0/255.255.0.0', 'uniquelocal', '::ffff:10.1.2.3'], null],
  ])('trust_proxy %j is taken in express’s forms', (value, expected) => {
    const config = variant(single, { 'server.trust_proxy': value });
    expect(parse(config).server.trustProxy).toEqual(expected ?? value);
  });

  it.each([
    [true, /true is not accepted/],
    [0, /must be false, a hop count \(1 to 100\)/],
    [101, /must be false, a hop count \(1 to 100\)/],
    [1.5, /must be false, a hop count/],
    [['10.0.0.0/8', 'proxy.internal'], /"proxy\.internal": not an IP address/],
    ['10.0.0.0/33', /"10\.0\.0\.0\/33": not an IP address/],
    [[], /at least one proxy address/],
    [{ hops: 1 }, /must be false, a hop count/],
  ])('trust_proxy %j is refused with its path', (value, message) => {
    const error = configErrorOf(() => parse(variant(single, { 'server.trust_proxy': value })));
    expectIssue(error, 'server.trust_proxy', message);
  });

  it('names each bad value with its path', () => {
    const error = configErrorOf(() =>
      parse(
        variant(single, {
          'server.request_timeout': '2h',
          'server.max_connections': 0,
          'server.keep_alive': '1s',
        }),
      ),
    );
    expectIssue(error, 'server.request_timeout', /between 1s and 1h/);
    expectIssue(error, 'server.max_connections', /between 1 and 1000000/);
    expectIssue(error, 'server.keep_alive', /keep_alive_timeout/);
  });

  it('refuses a headers timeout longer than the request timeout (node would throw at start)', () => {
    const error = configErrorOf(() =>
      parse(variant(single, { 'server.headers_timeout': '2m', 'server.request_timeout': '1m' })),
    );
    expectIssue(error, 'server.headers_timeout', /must not be longer than request_timeout/);
  });
});
