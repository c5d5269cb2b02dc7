import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchRedirectUri, NATIVE_APP_SCHEMES, nativeAppScheme, redirectUriProblem } from './redirect-uri.js';

const REFUSED_SCHEME =
  'redirect URI must use https, http on a loopback host, or a native app scheme (reverse-domain, e.g. com.example.app:/callback)';
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
    expect(redirectUriProblem('http://[::ffff:127.0.0.1]/cb')).toBe(REFUSED_SCHEME);
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
    ['http://app.example.com/cb', REFUSED_SCHEME],
    ['https://app.example.com/cb#x', 'redirect URI must not contain a fragment'],
    ['https://user:pw@app.example.com/cb', 'redirect URI must not contain credentials'],
    ['javascript:alert(1)', REFUSED_SCHEME],
    ['/relative', 'redirect URI is not an absolute URL'],
  ])('%s', (uri, problem) => {
    expect(redirectUriProblem(uri)).toBe(problem);
  });
});

describe('native app redirect URIs (RFC 8252 §7.1)', () => {
  it.each([
    ['com.example.app:/cb', 'com.example.app'],
    ['com.example.app:/oauth2redirect/example-provider', 'com.example.app'],
    ['com.example.app://callback', 'com.example.app'],
    ['io.github.user-name.tool:/cb?x=1', 'io.github.user-name.tool'],
    ['cursor://anysphere.cursor-retrieval/oauth/callback', 'cursor'],
    ['vscode://vscode.github-authentication/did-authenticate', 'vscode'],
    ['vscode-insiders://ms-vscode.remote/cb', 'vscode-insiders'],
    ['windsurf://codeium.windsurf/cb', 'windsurf'],
  ])('registers %s (scheme %s)', (uri, scheme) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
    expect(nativeAppScheme(uri)).toBe(scheme);
  });

  it.each([
    ['javascript:alert(1)', REFUSED_SCHEME],
    ['JavaScript://%0aalert(1)', REFUSED_SCHEME],
    ['data:text/html,<script>alert(1)</script>', REFUSED_SCHEME],
    ['file:///etc/passwd', REFUSED_SCHEME],
    ['vbscript:msgbox(1)', REFUSED_SCHEME],
    ['blob:https://app.example.com/uuid', REFUSED_SCHEME],
    ['about:blank', REFUSED_SCHEME],
    ['ms-msdt:/id', REFUSED_SCHEME],
    ['myapp:/cb', REFUSED_SCHEME],
    ['http://app.example.com/cb', REFUSED_SCHEME],
    ['com.example.app:/cb#frag', 'redirect URI must not contain a fragment'],
    ['cursor://anysphere.cursor-retrieval/cb#', 'redirect URI must not contain a fragment'],
    ['com.example.app://user:pw@host/cb', 'redirect URI must not contain credentials'],
    ['com.example.app:', 'redirect URI of a native app needs a path after its scheme'],
    ['com.example.app://', 'redirect URI of a native app needs a path after its scheme'],
    ['com.example.app:/', 'redirect URI of a native app needs a path after its scheme'],
  ])('refuses %s', (uri, problem) => {
    expect(redirectUriProblem(uri)).toBe(problem);
  });

  it('says nothing native of web and loopback URIs', () => {
    for (const uri of ['https://app.example.com/cb', 'http://127.0.0.1:9000/cb', 'javascript:alert(1)'])
      expect(nativeAppScheme(uri), uri).toBeUndefined();
    expect(NATIVE_APP_SCHEMES).not.toContain('javascript');
  });

  it('matches a native redirect URI exactly: no port, path, query or case change', () => {
    const registered = ['com.example.app:/cb', 'cursor://anysphere.cursor-retrieval/oauth/callback'];
    expect(matchRedirectUri(registered, 'com.example.app:/cb')).toBe(true);
    expect(matchRedirectUri(registered, 'cursor://anysphere.cursor-retrieval/oauth/callback')).toBe(true);
    for (const near of [
      'com.example.app:/cb/',
      'com.example.app:/cb2',
      'com.example.app:/cb?x=1',
      'com.example.app://cb',
      'com.example.app:cb',
      'COM.EXAMPLE.APP:/cb',
      'com.example.app:/CB',
      'com.example.evil:/cb',
      'cursor://anysphere.cursor-retrieval:80/oauth/callback',
      'cursor://evil.example/oauth/callback',
      'cursor://anysphere.cursor-retrieval/oauth/callback/../x',
    ])
      expect(matchRedirectUri(registered, near), near).toBe(false);
  });

  it('never accepts a scheme without a dot unless it is listed', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9+-]{0,12}$/), (scheme) => {
        fc.pre(!['http', 'https', ...NATIVE_APP_SCHEMES].includes(scheme));
        expect(redirectUriProblem(`${scheme}:/cb`)).toBe(REFUSED_SCHEME);
      }),
    );
  });
});
