import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchRedirectUri, redirectUriProblem } from './redirect-uri.js';

const port = fc.integer({ min: 1, max: 65535 });
const segment = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
const host = fc.constantFrom('127.0.0.1', '[::1]', 'localhost');

describe('matchRedirectUri (RFC 8252 §7.3)', () => {
  it('matches a loopback http redirect URI on any port, and only with the port changed', () => {
    fc.assert(
      fc.property(host, fc.option(port, { nil: undefined }), port, segment, (h, registeredPort, p, path) => {
        const registered = `http://${h}${registeredPort === undefined ? '' : `:${registeredPort}`}/${path}`;
        expect(matchRedirectUri([registered], `http://${h}:${p}/${path}`)).toBe(true);
        expect(matchRedirectUri([registered], `http://${h}/${path}`)).toBe(true);
        expect(matchRedirectUri([registered], `http://${h}:${p}/${path}x`)).toBe(false);
        expect(matchRedirectUri([registered], `http://${h}:${p}/${path}/`)).toBe(false);
        expect(matchRedirectUri([registered], `http://${h}:${p}/${path}?a=1`)).toBe(false);
        expect(matchRedirectUri([registered], `http://${h}:${p}/${path}#f`)).toBe(false);
        expect(matchRedirectUri([registered], `https://${h}:${p}/${path}`)).toBe(false);
      }),
    );
  });

  it('never lets a loopback port change reach another host', () => {
    fc.assert(
      fc.property(port, segment, fc.domain(), (p, path, domain) => {
        const registered = `http://127.0.0.1/${path}`;
        expect(matchRedirectUri([registered], `http://${domain}:${p}/${path}`)).toBe(false);
        expect(matchRedirectUri([registered], `http://127.0.0.1:${p}@${domain}/${path}`)).toBe(false);
        expect(matchRedirectUri([registered], `http://localhost:${p}/${path}`)).toBe(false);
      }),
    );
  });

  it('matches non-loopback redirect URIs exactly', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true }), fc.string({ maxLength: 3 }), (url, suffix) => {
        expect(matchRedirectUri([url], url)).toBe(true);
        if (suffix !== '') expect(matchRedirectUri([url], url + suffix)).toBe(false);
      }),
    );
    expect(matchRedirectUri(['https://app.example.com/cb'], 'https://app.example.com:443/cb')).toBe(false);
    expect(matchRedirectUri(['https://app.example.com/cb'], 'https://APP.example.com/cb')).toBe(false);
  });

  it('treats every 127.0.0.0/8 address as loopback, as @auth/config does (one rule, RFC 8252 §7.3)', () => {
    expect(matchRedirectUri(['http://127.0.0.2/cb'], 'http://127.0.0.2:7777/cb')).toBe(true);
    expect(matchRedirectUri(['http://127.0.0.2/cb'], 'http://127.0.0.3:7777/cb')).toBe(false);
    expect(matchRedirectUri(['http://127.0.0.1/cb'], 'http://127.0.0.2:7777/cb')).toBe(false);
    expect(redirectUriProblem('http://127.0.0.2:8080/cb')).toBeUndefined();
    expect(redirectUriProblem('http://[::ffff:127.0.0.1]/cb')).toBe(
      'redirect URI must use https, or http on a loopback host',
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.string(), (registered, requested) => {
        expect(typeof matchRedirectUri(registered, requested)).toBe('boolean');
      }),
    );
  });
});

describe('redirectUriProblem (RFC 7591, RFC 9700 §4.1)', () => {
  it.each([
    ['https://app.example.com/cb', undefined],
    ['http://127.0.0.1:8080/cb', undefined],
    ['http://[::1]/cb', undefined],
    ['http://localhost/cb', undefined],
    ['http://app.example.com/cb', 'redirect URI must use https, or http on a loopback host'],
    ['https://app.example.com/cb#x', 'redirect URI must not contain a fragment'],
    ['https://user:pw@app.example.com/cb', 'redirect URI must not contain credentials'],
    ['javascript:alert(1)', 'redirect URI must use https, or http on a loopback host'],
    ['/relative', 'redirect URI is not an absolute URL'],
  ])('%s', (uri, problem) => {
    expect(redirectUriProblem(uri)).toBe(problem);
  });
});
