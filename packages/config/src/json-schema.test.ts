import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderJsonSchema } from './internal/json-schema.js';

const schemaFile = new URL('../schema/gateway-config.schema.json', import.meta.url);
const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, unknown>;
  files: string[];
};

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  required?: string[];
  additionalProperties?: boolean;
  default?: unknown;
}

describe('JSON Schema (generated from the zod definition)', () => {
  it('the committed schema equals a fresh generation (run `npm run schema -w @auth/config`)', () => {
    expect(readFileSync(schemaFile, 'utf8')).toBe(renderJsonSchema());
  });

  it('is shipped in the package as ./schema.json', () => {
    expect(packageJson.exports['./schema.json']).toBe('./schema/gateway-config.schema.json');
    expect(packageJson.files).toContain('schema');
  });

  it('describes the file as written: snake_case keys, no unknown keys, defaults, upstream types', () => {
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as JsonSchema & { $schema: string };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['issuer', 'upstreams']);
    expect(Object.keys(schema.properties!)).toEqual([
      '$schema',
      'issuer',
      'token_lifetimes',
      'scopes_supported',
      'storage',
      'registration',
      'proxy',
      'server',
      'metrics',
      'users',
      'refresh',
      'limits',
      'allowed_hosts',
      'allowed_origins',
      'signing_keys',
      'clients',
      'upstreams',
      'routes',
    ]);
    expect(schema.properties!['token_lifetimes']!.properties!['access_token']!.default).toBe('1h');
    expect(schema.properties!['proxy']!.properties!['max_connections']!.default).toBe(128);
    expect(schema.properties!['server']!.properties!['trust_proxy']!.default).toBe(false);
    expect(schema.properties!['server']!.properties!['startup_timeout']!.default).toBe('30s');
    expect(schema.properties!['metrics']!.properties!['path']!.default).toBe('/metrics');
    const upstreamTypes = schema.properties!['upstreams']!.items!.oneOf!;
    expect(upstreamTypes.map((type) => type.required)).toEqual([
      ['type', 'issuer', 'client_id'],
      ['type', 'authorization_endpoint', 'token_endpoint', 'userinfo', 'client_id'],
    ]);
    for (const type of upstreamTypes) {
      expect(type.additionalProperties).toBe(false);
      expect(Object.keys(type.properties!)).toContain('client_secret_env');
      expect(Object.keys(type.properties!)).not.toContain('client_secret');
    }
  });
});
