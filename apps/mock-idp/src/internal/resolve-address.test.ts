import { describe, expect, it } from 'vitest';
import { finalIssuer, resolveAddress, servedUrl } from './resolve-address.js';

describe('resolveAddress', () => {
  it('listens on the issuer port and host when nothing else is said', () => {
    const r = resolveAddress({ issuer: 'http://127.0.0.1:9001' });
    expect({ host: r.host, port: r.port }).toEqual({ host: '127.0.0.1', port: 9001 });
    expect(finalIssuer(r, 9001)).toBe('http://127.0.0.1:9001');
  });

  it('replaces port 0 in the issuer with the real port, keeping a path', () => {
    const r = resolveAddress({ issuer: 'http://localhost:0/tenant/a' });
    expect(r.host).toBe('127.0.0.1');
    expect(r.port).toBe(0);
    expect(finalIssuer(r, 4321)).toBe('http://localhost:4321/tenant/a');
    expect(servedUrl(r.host, 4321, finalIssuer(r, 4321))).toBe('http://127.0.0.1:4321/tenant/a');
  });

  it('lets explicit port and host win over the issuer (behind a proxy)', () => {
    const r = resolveAddress({ issuer: 'https://idp.example', port: 8443, host: '0.0.0.0' });
    expect({ host: r.host, port: r.port }).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(finalIssuer(r, 8443)).toBe('https://idp.example');
    expect(servedUrl(r.host, 8443, 'https://idp.example')).toBe('http://127.0.0.1:8443');
  });

  it('derives the issuer from the listening address, IPv6 included', () => {
    expect(finalIssuer(resolveAddress({}), 5000)).toBe('http://127.0.0.1:5000');
    const v6 = resolveAddress({ issuer: 'http://[::1]:0' });
    expect(v6.host).toBe('::1');
    expect(finalIssuer(v6, 5001)).toBe('http://[::1]:5001');
    expect(finalIssuer(resolveAddress({ host: '::1' }), 5002)).toBe('http://[::1]:5002');
  });

  it.each([
    ['http://127.0.0.1:9001/', /trailing slash/],
    ['http://127.0.0.1:9001#x', /query or fragment/],
    ['http://user:pw@127.0.0.1:9001', /credentials/],
    ['127.0.0.1:9001', /http or https|absolute URL/],
  ])('rejects the issuer %s', (issuer, message) => {
    expect(() => resolveAddress({ issuer })).toThrow(message);
  });
});
