import { describe, expect, it } from 'vitest';
import { formatListenAddress, parseListenAddress } from './listen-address.js';
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

describe('listen addresses (HOST:PORT)', () => {
  it.each([
    ['0.0.0.0:8080', { host: '0.0.0.0', port: 8080 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::]:8080', { host: '::', port: 8080 }],
    ['[::1]:65535', { host: '::1', port: 65535 }],
    ['localhost:9464', { host: 'localhost', port: 9464 }],
  ])('%s is %j', (text, address) => {
    expect(parseListenAddress(text)).toEqual(address);
    expect(formatListenAddress(address)).toBe(text);
  });

  it.each([
    '8080',
    ':8080',
    '0.0.0.0',
    '0.0.0.0:65536',
    '::1:8080',
    '[::g]:8080',
    'http://0.0.0.0:8080',
    '0.0.0.0:80/x',
    '-a:80',
  ])('%j is not one', (text) => {
    expect(parseListenAddress(text)).toBeUndefined();
  });
});

describe('server.listen and server.startup_timeout', () => {
  it('leave the address to the issuer by default and give start-up 30 s', () => {
    const { server } = parse(single);
    expect(server.listen).toBeUndefined();
    expect(server.startupTimeout).toBe(30);
  });

  it('take HOST:PORT and a duration', () => {
    const { server } = parse(
      variant(single, { 'server.listen': '[::]:8080', 'server.startup_timeout': '5s' }),
    );
    expect(server.listen).toEqual({ host: '::', port: 8080 });
    expect(server.startupTimeout).toBe(5);
  });

  it('name a bad address and a bad timeout with their paths', () => {
    const error = configErrorOf(() =>
      parse(variant(single, { 'server.listen': 'auth.example.com', 'server.startup_timeout': '0s' })),
    );
    expectIssue(error, 'server.listen', /must be HOST:PORT, e\.g\. 0\.0\.0\.0:8080/);
    expectIssue(error, 'server.startup_timeout', /between 1s and 10m/);
  });
});

describe('metrics', () => {
  it('is on at /metrics, without a listener of its own, by default', () => {
    expect(parse(single).metrics).toEqual({ enabled: true, path: '/metrics' });
  });

  it('takes a path and a separate listener', () => {
    const config = variant(single, {
      'metrics.enabled': false,
      'metrics.path': '/internal/metrics',
      'metrics.listen': '0.0.0.0:9464',
    });
    expect(parse(config).metrics).toEqual({
      enabled: false,
      path: '/internal/metrics',
      listen: { host: '0.0.0.0', port: 9464 },
    });
  });

  it('names bad values with their paths', () => {
    const error = configErrorOf(() =>
      parse(
        variant(single, { 'metrics.enabled': 'yes', 'metrics.path': 'metrics', 'metrics.listen': '9464' }),
      ),
    );
    expectIssue(error, 'metrics.enabled', /boolean|true or false/);
    expectIssue(error, 'metrics.path', /must be a path starting with "\/"/);
    expectIssue(error, 'metrics.listen', /must be HOST:PORT/);
  });
});
