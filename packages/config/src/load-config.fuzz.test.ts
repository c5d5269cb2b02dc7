import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import { parseConfig } from './parse-config.js';
import { BASE_ENV, baseConfig, SECRET_VALUES } from './test-support/config-fixtures.js';

/**
 * Issue 11's fuzz campaign, the config loader's part: generated objects and YAML/JSON texts
 * through `parseConfig` and `loadConfig` either load or throw the typed `ConfigError` (never
 * a TypeError, a YAML library error or a stack overflow), and no error message holds a secret.
 */

const RUNS = 1000;
const TIME_LIMIT_MS = 12_000;

/** Every key path of the generated JSON Schema (`upstreams.0.userinfo.endpoint`, …): new keys are fuzzed too. */
function schemaPaths(): string[] {
  const schema = JSON.parse(
    readFileSync(new URL('../schema/gateway-config.schema.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  const definitions = (schema['definitions'] ?? schema['$defs'] ?? {}) as Record<string, unknown>;
  const paths = new Set<string>();
  const walk = (node: unknown, prefix: string, depth: number): void => {
    if (depth > 6 || node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (typeof n['$ref'] === 'string') walk(definitions[n['$ref'].split('/').pop() ?? ''], prefix, depth + 1);
    for (const key of ['anyOf', 'oneOf', 'allOf'])
      for (const child of (n[key] as unknown[] | undefined) ?? []) walk(child, prefix, depth);
    if (n['items'] !== undefined) walk(n['items'], `${prefix}.0`, depth + 1);
    for (const [key, child] of Object.entries((n['properties'] as Record<string, unknown>) ?? {})) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      paths.add(path);
      walk(child, path, depth + 1);
    }
  };
  walk(schema, '', 0);
  return [...paths].filter((path) => path !== '$schema');
}

const PATHS = schemaPaths();

/** Values a config key may be set to: plausible, wrong-typed, hostile (prototype keys, huge, odd numbers). */
const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'corp',
    'default',
    '/mcp',
    '/mcp/../x',
    'http://127.0.0.1:1',
    'https://idp.example',
    'http://[::1',
    'redis://',
    'rediss://:pw@127.0.0.1:0/99',
    '10s',
    '-1s',
    '1e309',
    '99999999999999999999d',
    'P1D',
    'oidc',
    'oauth2',
    'custom',
    'memory',
    'redis',
    'CORP_CLIENT_SECRET',
    'NO_SUCH_ENV',
    '../../etc/passwd',
    '\u0000',
    '\u202e',
    'a'.repeat(10_000),
    0,
    -1,
    1.5,
    Number.MAX_SAFE_INTEGER,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    true,
    false,
    null,
    [],
    {},
    [null],
    { __proto__: { polluted: true } },
    JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}'),
  ),
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }),
);

/** Sets (or with `undefined` deletes) the key at a dotted path, replacing what is not a container on the way. */
function setAt(config: Record<string, unknown>, dotted: string, change: unknown): void {
  const keys = dotted.split('.');
  let node: Record<string, unknown> = config;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (change === undefined) delete node[last];
  else node[last] = change;
}

/** A valid config with a few keys changed or deleted at schema paths (array indexes 0..2). */
const mutatedObject = fc
  .array(
    fc.tuple(
      fc.constantFrom(...PATHS),
      fc.constantFrom('0', '1', '2'),
      fc.option(value, { nil: undefined, freq: 5 }),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((changes) => {
    const config = baseConfig();
    for (const [path, index, change] of changes)
      setAt(config, path.replace(/\.0(\.|$)/g, `.${index}$1`), change);
    return config;
  });

/** Whole inputs of any shape (what a YAML file could decode to, and worse). */
const anyInput = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom(...PATHS.filter((p) => !p.includes('.'))), value, { maxKeys: 6 }),
);

const VALID_YAML = stringify(baseConfig());
const VALID_JSON = JSON.stringify(baseConfig(), null, 2);

/** YAML constructs that stress a parser: aliases, merge keys, tags, tabs, duplicate keys, flow junk. */
const YAML_FRAGMENTS = [
  '&a [*a]',
  'a: &x [1]\nb: *x\n',
  `${Array.from(
    { length: 10 },
    (_, i) =>
      `l${i}: &l${i} [${Array(10)
        .fill(i === 0 ? '"x"' : `*l${i - 1}`)
        .join(',')}]`,
  ).join('\n')}\n`,
  '<<: *nope\n',
  '<<: [1, 2]\n',
  '!!js/function "function(){}"\n',
  '!!binary AAAA\n',
  '!custom {}\n',
  '? [complex, key]\n: v\n',
  'issuer: a\nissuer: b\n',
  '\tissuer: x\n',
  '---\n---\n',
  '...\n',
  '%YAML 1.1\n---\n',
  '{{{{',
  ']]]',
  '"unterminated',
  '|\n  block\n',
  'x: !!int 99999999999999999999999\n',
  'x: .nan\n',
  '\uFEFF',
  '\u0000',
  '__proto__: {polluted: true}\n',
  'constructor: {prototype: {polluted: true}}\n',
];

/** Valid texts broken in a few places: characters removed, replaced, inserted, lines duplicated. */
const mutatedText = fc
  .record({
    base: fc.constantFrom(VALID_YAML, VALID_JSON),
    edits: fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('delete', 'replace', 'insert', 'fragment', 'duplicate-line', 'truncate'),
        fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(':', '-', ' ', '\n', '"', "'", '{', '[', '#')),
        fc.constantFrom(...YAML_FRAGMENTS),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ base, edits }) => {
    let text = base;
    for (const [at, kind, chars, fragment] of edits) {
      const i = at % (text.length + 1);
      if (kind === 'delete') text = text.slice(0, i) + text.slice(i + 1 + (at % 5));
      else if (kind === 'replace') text = text.slice(0, i) + chars + text.slice(i + chars.length);
      else if (kind === 'insert') text = text.slice(0, i) + chars + text.slice(i);
      else if (kind === 'fragment') text = text.slice(0, i) + fragment + text.slice(i);
      else if (kind === 'truncate') text = text.slice(0, i);
      else {
        const lines = text.split('\n');
        const line = at % lines.length;
        lines.splice(line, 0, lines[line] ?? '');
        text = lines.join('\n');
      }
    }
    return text;
  });

const anyText = fc.oneof(
  mutatedText,
  fc.constantFrom(...YAML_FRAGMENTS),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
);

/** Environments where the referenced secrets are missing, empty or odd. */
const env = fc.oneof(
  fc.constant(BASE_ENV),
  fc.constant({}),
  fc.dictionary(
    fc.constantFrom(...Object.keys(BASE_ENV)),
    fc.constantFrom('', ' ', 'x', '\n', 'zz'.repeat(40)),
    {
      maxKeys: 5,
    },
  ),
);

/** `readFile` for `*_file` keys: a secret, an empty file, garbage, or an error as `fs` gives it. */
const readFile = fc.constantFrom<(path: string) => string>(
  () => SECRET_VALUES.corp,
  () => '',
  () => '\u0000\uFFFD',
  () => {
    throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
  },
  () => {
    throw 'not even an Error';
  },
);

/** Runs `load`: a config with an issuer string, or a ConfigError with issues and no secret in it. */
function expectLoadsOrConfigError(load: () => unknown): void {
  let result: unknown;
  try {
    result = load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(['ERR_CONFIG_INVALID', 'ERR_CONFIG_UNREADABLE']).toContain(error.code);
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(typeof issue.path).toBe('string');
      expect(typeof issue.message).toBe('string');
    }
    for (const secret of Object.values(SECRET_VALUES)) expect(error.message).not.toContain(secret);
    return;
  }
  expect(typeof (result as { issuer?: unknown }).issuer).toBe('string');
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
}

const options = { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS };

describe('config loader fuzz: only ConfigError ever escapes', () => {
  it('parseConfig on a valid config with keys changed at schema paths', () => {
    fc.assert(
      fc.property(mutatedObject, env, readFile, (config, environment, read) => {
        expectLoadsOrConfigError(() => parseConfig(config as object, { env: environment, readFile: read }));
      }),
      options,
    );
  });

  it('parseConfig on inputs of any shape', () => {
    fc.assert(
      fc.property(anyInput, env, (input, environment) => {
        expectLoadsOrConfigError(() => parseConfig(input as object, { env: environment }));
      }),
      options,
    );
  });

  it('loadConfig on broken YAML and JSON texts, any file extension', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.constantFrom('gateway.yaml', 'gateway.yml', 'gateway.json', 'gateway.conf', 'gateway'),
        env,
        readFile,
        (text, name, environment, read) => {
          const files = (path: string) => (path.endsWith(name) ? text : read(path));
          expectLoadsOrConfigError(() =>
            loadConfig(`/etc/auth/${name}`, { env: environment, readFile: files }),
          );
        },
      ),
      options,
    );
  });

  it('loadConfig when the file itself cannot be read', () => {
    fc.assert(
      fc.property(readFile, (read) => {
        expectLoadsOrConfigError(() => loadConfig('/etc/auth/gateway.yaml', { readFile: read }));
      }),
      { numRuns: 20 },
    );
  });
});
