import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import { parseConfig } from './parse-config.js';
import { configErrorOf, generatePems, singleUpstreamConfig } from './test-support/config-fixtures.js';

let dir: string;
const write = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const YAML = `issuer: http://127.0.0.1:8080
signing_keys:
  - file: keys/signing.pem
upstreams:
  - type: oidc
    issuer: http://127.0.0.1:9001
    client_id: gateway
    client_secret_file: secrets/corp.txt
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'auth-config-'));
  mkdirSync(join(dir, 'keys'));
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(join(dir, 'keys', 'signing.pem'), generatePems().ed25519);
  writeFileSync(join(dir, 'secrets', 'corp.txt'), '  corp-secret-from-file \n');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('reads YAML and resolves relative paths against the file’s folder', () => {
    const config = loadConfig(write('gateway.yaml', YAML));
    expect(config.upstreams[0]!.clientSecret?.reveal()).toBe('corp-secret-from-file');
    expect(config.signingKeys).toMatchObject([{ file: join(dir, 'keys', 'signing.pem'), alg: 'EdDSA' }]);
  });

  it('honours an explicit baseDir', () => {
    const other = mkdtempSync(join(tmpdir(), 'auth-config-other-'));
    try {
      const error = configErrorOf(() => loadConfig(write('based.yml', YAML), { baseDir: other }));
      expect(error.issues.map((issue) => issue.path)).toEqual([
        'signing_keys[0].file',
        'upstreams[0].client_secret_file',
      ]);
      expect(error.issues[0]!.message).toBe(
        `file cannot be read (ENOENT); relative paths are resolved against ${other}`,
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('reads JSON by extension, strictly', () => {
    const config = loadConfig(write('gateway.json', JSON.stringify(singleUpstreamConfig(), null, 2)), {
      env: { CORP_CLIENT_SECRET: 's' },
    });
    expect(config.upstreams[0]!.name).toBe('default');
    const error = configErrorOf(() =>
      loadConfig(write('trailing.json', '{\n  "issuer": "http://127.0.0.1:8080",\n}\n')),
    );
    expect(error.issues).toEqual([{ path: '', message: 'invalid JSON', line: 3, column: 1 }]);
  });

  it('picks the format by content when the extension says nothing', () => {
    const json = loadConfig(write('gateway.conf', JSON.stringify(singleUpstreamConfig())), {
      env: { CORP_CLIENT_SECRET: 's' },
    });
    expect(json.routes[0]!.upstream).toBe('default');
    const yaml = loadConfig(write('gateway.txt', YAML));
    expect(yaml.issuer).toBe('http://127.0.0.1:8080');
  });

  it('reports an unreadable file as ERR_CONFIG_UNREADABLE', () => {
    const error = configErrorOf(() => loadConfig(join(dir, 'missing.yaml')));
    expect(error.code).toBe('ERR_CONFIG_UNREADABLE');
    expect(error.file).toBe(join(dir, 'missing.yaml'));
    expect(error.issues).toEqual([{ path: '', message: 'file cannot be read (ENOENT)' }]);
    expect(error.message).toBe(
      `configuration ${join(dir, 'missing.yaml')} cannot be read:\n  - (config): file cannot be read (ENOENT)`,
    );
    const directory = configErrorOf(() => loadConfig(dir));
    expect(directory.code).toBe('ERR_CONFIG_UNREADABLE');
  });

  it('reports YAML syntax errors with line and column and the file name', () => {
    const path = write(
      'broken.yaml',
      'issuer: http://127.0.0.1:8080\nupstreams:\n  - type: oidc\n   issuer: [unclosed\n',
    );
    const error = configErrorOf(() => loadConfig(path));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.issues[0]).toMatchObject({
      path: '',
      message: expect.stringMatching(/^YAML syntax error: /),
      line: 4,
    });
    expect(error.message).toMatch(
      new RegExp(
        `^configuration ${path} is invalid \\(\\d+ problems?\\):\\n  - \\(config\\) \\(line 4, column \\d+\\): YAML syntax error`,
      ),
    );
  });

  it('reports one misspelt key once: no follow-on "required" or unknown-upstream problems', () => {
    const text = [
      'issuer: http://127.0.0.1:8080',
      'upstreams:',
      '  - nmae: corp',
      '    type: oidc',
      '    issuer: http://127.0.0.1:9001',
      '    client_id: gateway',
      '  - name: github',
      '    type: oidc',
      '    issuer: http://127.0.0.1:9002',
      '    client_id: gateway',
      'routes:',
      '  - { path: /mcp/corp, backend: http://127.0.0.1:9101, upstream: corp }',
      '  - { path: /mcp/gh, backend: http://127.0.0.1:9102, upstream: github }',
    ].join('\n');
    expect(configErrorOf(() => parseConfig(text)).issues).toEqual([
      { path: 'upstreams[0].nmae', message: 'unknown key; did you mean "name"?', line: 3, column: 5 },
    ]);
    // Once the upstream is named, a route naming nothing configured is still reported.
    const fixed = text.replace('nmae: corp', 'name: corp').replace('upstream: github', 'upstream: gitlab');
    expect(configErrorOf(() => parseConfig(fixed)).issues).toEqual([
      expect.objectContaining({ path: 'routes[1].upstream', line: 13 }),
    ]);
  });

  it('rejects duplicate keys, which YAML would otherwise let the last one win', () => {
    const error = configErrorOf(() => parseConfig('issuer: https://a.example\nissuer: https://b.example\n'));
    expect(error.issues).toEqual([
      { path: '', message: 'YAML syntax error: Map keys must be unique', line: 2, column: 1 },
    ]);
  });

  it('rejects unresolved aliases and alias bombs without crashing', () => {
    expect(configErrorOf(() => parseConfig('issuer: *nowhere\n')).issues).toEqual([
      { path: '', message: 'YAML error: an alias (*name) refers to no anchor (&name) defined before it' },
    ]);
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n');
    expect(configErrorOf(() => parseConfig(bomb)).issues).toEqual([
      { path: '', message: 'YAML error: too many alias expansions' },
    ]);
  });

  it('rejects an empty file and a file holding a list', () => {
    expect(configErrorOf(() => loadConfig(write('empty.yaml', ''))).issues).toEqual([
      { path: '', message: 'must be a mapping of settings (issuer, upstreams, …)' },
    ]);
    expect(configErrorOf(() => parseConfig('- a\n- b\n')).issues[0]).toMatchObject({
      path: '',
      line: 1,
      column: 1,
    });
  });

  it('throws only ConfigError for odd inputs', () => {
    for (const input of [
      '',
      '\u0000',
      '{',
      '[',
      '"',
      ': :',
      'a: !!binary x',
      '? [a]\n: b',
      'x'.repeat(10_000),
    ]) {
      expect(() => parseConfig(input)).toThrow(ConfigError);
    }
  });
});
