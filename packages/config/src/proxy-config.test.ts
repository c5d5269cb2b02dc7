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

describe('proxy: the reference server’s backend connections', () => {
  it('has defaults a user never has to touch', () => {
    expect(parse(single).proxy).toEqual({
      connectTimeout: 10,
      responseTimeout: 120,
      idleTimeout: 4,
      maxConnections: 128,
    });
  });

  it('takes durations and a connection bound', () => {
    const config = variant(single, {
      'proxy.connect_timeout': '2s',
      'proxy.response_timeout': '10m',
      'proxy.idle_timeout': 30,
      'proxy.max_connections': 16,
    });
    expect(parse(config).proxy).toEqual({
      connectTimeout: 2,
      responseTimeout: 600,
      idleTimeout: 30,
      maxConnections: 16,
    });
  });

  it('names each bad value with its path', () => {
    const error = configErrorOf(() =>
      parse(
        variant(single, {
          'proxy.connect_timeout': '5m',
          'proxy.max_connections': 0,
          'proxy.idle_timeot': '1s',
        }),
      ),
    );
    expectIssue(error, 'proxy.connect_timeout', /between 1s and 2m/);
    expectIssue(error, 'proxy.max_connections', /between 1 and 10000/);
    expectIssue(error, 'proxy.idle_timeot', /idle_timeout/);
  });
});
