import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalResources, findResource, resourceKey } from './resource-uri.js';

const CONFIGURED = ['https://gw.example.com/mcp/corp', 'http://127.0.0.1:8080/mcp/github'];

describe('RFC 8707 resource comparison (RFC 3986 §6.2.2.1 case, §6.2.3 default port; paths exact)', () => {
  it.each([
    ['HTTPS://GW.Example.COM/mcp/corp', CONFIGURED[0]],
    ['https://gw.example.com:443/mcp/corp', CONFIGURED[0]],
    ['https://gw.example.com:/mcp/corp', CONFIGURED[0]],
    ['hTTp://127.0.0.1:8080/mcp/github', CONFIGURED[1]],
    ['http://127.0.0.1:08080/mcp/github', CONFIGURED[1]],
  ])('%s names %s', (requested, configured) => {
    expect(findResource(CONFIGURED, requested)).toBe(configured);
  });

  it.each([
    'https://gw.example.com/MCP/corp',
    'https://gw.example.com/mcp/corp/',
    'https://gw.example.com/mcp/./corp',
    'https://gw.example.com/mcp/%63orp',
    'https://gw.example.com:8443/mcp/corp',
    'http://gw.example.com/mcp/corp',
    'http://127.0.0.1:80/mcp/github',
    'https://gw.example.com/mcp/corp?x=1',
    'https://gw.example.com/mcp/corp#f',
    'https://user@gw.example.com/mcp/corp',
    '/mcp/corp',
    'gw.example.com/mcp/corp',
    '',
  ])('%s names none', (requested) => {
    expect(findResource(CONFIGURED, requested)).toBeUndefined();
  });

  it('drops the default port of http and https only; keeps IPv6 literals', () => {
    expect(resourceKey('http://a.example:80/x')).toBe('http://a.example/x');
    expect(resourceKey('https://a.example:80/x')).toBe('https://a.example:80/x');
    expect(resourceKey('HTTPS://[::1]:443/x')).toBe('https://[::1]/x');
  });

  it('keeps configured spellings and unknown values as given, once each', () => {
    expect(
      canonicalResources(CONFIGURED, [
        'HTTPS://gw.example.com/mcp/corp',
        'https://gw.example.com:443/mcp/corp',
        'https://evil.example/x',
      ]),
    ).toEqual([CONFIGURED[0], 'https://evil.example/x']);
  });

  it('is case-insensitive in scheme and host and idempotent (property)', () => {
    const hosts = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5}){1,2}$/);
    const paths = fc.stringMatching(/^(\/[A-Za-z0-9._~-]{1,8}){0,3}$/);
    fc.assert(
      fc.property(
        fc.constantFrom('http', 'https'),
        hosts,
        paths,
        fc.boolean(),
        (scheme, host, path, upper) => {
          const written = `${upper ? scheme.toUpperCase() : scheme}://${upper ? host.toUpperCase() : host}${path}`;
          const key = resourceKey(written);
          expect(key).toBe(`${scheme}://${host}${path}`);
          expect(resourceKey(key!)).toBe(key);
        },
      ),
    );
  });
});
