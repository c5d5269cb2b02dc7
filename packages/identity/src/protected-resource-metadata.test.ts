import { OptionsError } from '@auth/protocol';
import { createMemoryStorage } from '@auth/storage';
import { listen } from '@auth/test-kit';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { IdentityOptionsError } from './errors.js';
import { createIdentityMiddleware } from './identity-middleware.js';
import {
  createProtectedResourceMetadata,
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadataUrl,
} from './protected-resource-metadata.js';

describe('protectedResourceMetadataUrl (RFC 9728 §3.1)', () => {
  it.each([
    [
      'https://gw.example.com/mcp/github',
      'https://gw.example.com/.well-known/oauth-protected-resource/mcp/github',
    ],
    [
      'https://gw.example.com/auth/mcp',
      'https://gw.example.com/.well-known/oauth-protected-resource/auth/mcp',
    ],
    ['https://gw.example.com/', 'https://gw.example.com/.well-known/oauth-protected-resource'],
    ['https://gw.example.com/api/', 'https://gw.example.com/.well-known/oauth-protected-resource/api'],
    ['http://127.0.0.1:8080/api', 'http://127.0.0.1:8080/.well-known/oauth-protected-resource/api'],
  ])('%s → %s', (resource, url) => {
    expect(protectedResourceMetadataUrl(resource)).toBe(url);
  });
});

describe('createProtectedResourceMetadata', () => {
  it('builds the RFC 9728 §2 document, only with the fields given', () => {
    const minimal = createProtectedResourceMetadata({
      resource: 'https://gw.example.com/api',
      authorizationServers: ['https://gw.example.com'],
    });
    expect(minimal.document).toEqual({
      resource: 'https://gw.example.com/api',
      authorization_servers: ['https://gw.example.com'],
      bearer_methods_supported: ['header'],
    });
    expect(minimal.path).toBe('/.well-known/oauth-protected-resource/api');
    const full = createProtectedResourceMetadata({
      resource: 'https://gw.example.com/api',
      authorizationServers: ['https://gw.example.com'],
      scopesSupported: ['openid', 'offline_access'],
      resourceName: 'the API',
    });
    expect(full.document).toMatchObject({
      scopes_supported: ['openid', 'offline_access'],
      resource_name: 'the API',
    });
  });

  const base: ProtectedResourceMetadataOptions = {
    resource: 'https://gw.example.com/api',
    authorizationServers: ['https://gw.example.com'],
  };
  it.each<[string, Partial<ProtectedResourceMetadataOptions>, RegExp]>([
    ['an http resource off loopback', { resource: 'http://gw.example.com/api' }, /^resource must use https/],
    [
      'a resource with a fragment',
      { resource: 'https://gw.example.com/api#x' },
      /^resource must not contain a fragment/,
    ],
    [
      'a resource with a query',
      { resource: 'https://gw.example.com/api?x=1' },
      /^resource must not contain a query/,
    ],
    ['a relative resource', { resource: '/api' }, /^resource must be an absolute http\(s\) URL/],
    ['no authorization server', { authorizationServers: [] }, /^authorizationServers must name at least one/],
    [
      'a bad authorization server',
      { authorizationServers: ['ftp://x'] },
      /^authorizationServers\[0\] must be/,
    ],
    ['a bad scope list', { scopesSupported: [''] }, /^scopesSupported must be an array/],
    ['a negative max age', { maxAgeSeconds: -1 }, /^maxAgeSeconds must be a non-negative integer/],
  ])('refuses %s with an IdentityOptionsError naming the option', (_name, change, message) => {
    let thrown: unknown;
    try {
      createProtectedResourceMetadata({ ...base, ...change });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IdentityOptionsError);
    expect(thrown).toBeInstanceOf(OptionsError);
    expect((thrown as IdentityOptionsError).code).toBe('ERR_IDENTITY_INVALID_OPTIONS');
    expect((thrown as Error).message).toMatch(message);
  });

  // The point of the handler (issue 12): the resource_metadata URL of every 401 the identity
  // middleware sends is served, by the same app, with the RFC 9728 fields.
  it('serves the document at the resource_metadata URL of the middleware’s 401', async () => {
    const app = express();
    const server = await listen(app);
    try {
      const resource = `${server.url}/api`;
      const metadata = createProtectedResourceMetadata({
        resource,
        authorizationServers: [server.url],
        scopesSupported: ['openid'],
        maxAgeSeconds: 60,
      });
      const identity = createIdentityMiddleware({
        issuer: server.url,
        audience: resource,
        jwks: { keys: [] },
        storage: createMemoryStorage(),
        resourceMetadataUrl: metadata.url,
      });
      app.get(metadata.path, metadata.handler);
      app.get('/api', identity, (_req, res) => {
        res.json({ reached: true });
      });

      const refused = await fetch(resource);
      expect(refused.status).toBe(401);
      const challenge = refused.headers.get('www-authenticate') ?? '';
      const advertised = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
      expect(advertised).toBe(`${server.url}/.well-known/oauth-protected-resource/api`);

      const served = await fetch(advertised ?? '');
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toMatch(/^application\/json/);
      expect(served.headers.get('cache-control')).toBe('public, max-age=60');
      expect(await served.json()).toEqual({
        resource,
        authorization_servers: [server.url],
        bearer_methods_supported: ['header'],
        scopes_supported: ['openid'],
      });
    } finally {
      await server.close();
    }
  });
});
