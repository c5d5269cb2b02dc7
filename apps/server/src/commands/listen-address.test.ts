import { describe, expect, it } from 'vitest';
import { defaultListenAddress, listenUrl, resolveListenAddress } from './listen-address.js';
import { StartupError } from './startup-error.js';

describe('defaultListenAddress: the issuer’s port, never its host name resolved', () => {
  it.each([
    ['https://auth.example.com', { host: '0.0.0.0', port: 443 }],
    ['https://auth.example.com:8443/tenant', { host: '0.0.0.0', port: 8443 }],
    ['http://localhost:8080', { host: '127.0.0.1', port: 8080 }],
    ['http://127.0.0.1', { host: '127.0.0.1', port: 80 }],
    ['http://127.0.0.2:9000', { host: '127.0.0.2', port: 9000 }],
    ['http://[::1]:8080', { host: '::1', port: 8080 }],
    ['https://10.1.2.3', { host: '0.0.0.0', port: 443 }],
  ])('%s → %j', (issuer, address) => {
    expect(defaultListenAddress(new URL(issuer))).toEqual(address);
  });
});

describe('resolveListenAddress: --listen, then AUTH_SERVER_LISTEN, then server.listen, then the default', () => {
  const issuer = new URL('https://auth.example.com');
  const config = { host: '10.0.0.5', port: 8081 };

  it('takes the strongest source given', () => {
    const all = { flag: '[::]:8080', env: '127.0.0.1:9090', config };
    expect(resolveListenAddress(issuer, all)).toEqual({ host: '::', port: 8080 });
    expect(resolveListenAddress(issuer, { env: '127.0.0.1:9090', config })).toEqual({
      host: '127.0.0.1',
      port: 9090,
    });
    expect(resolveListenAddress(issuer, { env: '', config })).toEqual(config);
    expect(resolveListenAddress(issuer, {})).toEqual({ host: '0.0.0.0', port: 443 });
  });

  it('--port replaces the port only', () => {
    expect(resolveListenAddress(issuer, { port: 0, config })).toEqual({ host: '10.0.0.5', port: 0 });
    expect(resolveListenAddress(issuer, { port: 8080 })).toEqual({ host: '0.0.0.0', port: 8080 });
  });

  it.each([
    [{ flag: 'auth.example.com' }, /--listen must be HOST:PORT/],
    [{ env: '8080' }, /AUTH_SERVER_LISTEN must be HOST:PORT/],
    [{ port: 70_000 }, /--port must be a port number/],
  ])('refuses %j as a bad configuration', (sources, message) => {
    let thrown: unknown;
    try {
      resolveListenAddress(issuer, sources);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StartupError);
    expect((thrown as StartupError).code).toBe('config_invalid');
    expect((thrown as StartupError).message).toMatch(message);
  });

  it('spells the socket as plain http, IPv6 in brackets', () => {
    expect(listenUrl({ host: '0.0.0.0', port: 8080 })).toBe('http://0.0.0.0:8080');
    expect(listenUrl({ host: '::', port: 8080 })).toBe('http://[::]:8080');
  });
});
