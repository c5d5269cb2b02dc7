import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  configurationDocFile,
  readExamples,
  renderReferenceFromSchema,
} from '../scripts/configuration-doc.js';
import {
  REFERENCE_END,
  REFERENCE_START,
  referenceRows,
  replaceReference,
  type SchemaNode,
  typeOf,
  unpadTables,
} from './internal/configuration-reference.js';
import { renderJsonSchema } from './internal/json-schema.js';

const schema = JSON.parse(renderJsonSchema()) as SchemaNode;
const paths = new Set(referenceRows(schema).map((row) => row.path));
const topLevel = new Set(Object.keys(schema.properties ?? {}));
const docs = ['configuration.md', 'deployment.md'].map((name) => new URL(name, configurationDocFile));

/**
 * Keys other work in progress adds (each doc marks them "(coming)"). The lead removes an entry
 * once its key is in the schema: from then on the schema itself vouches for it.
 */
const COMING: string[] = [];

function known(path: string): boolean {
  return paths.has(path) || COMING.some((coming) => path === coming || path.startsWith(`${coming}.`));
}

/** Every key path a YAML value names: `storage.sentinel.sentinels[].host`. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((entry) => keyPaths(entry, `${prefix}[]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [path, ...keyPaths(child, path)];
  });
}

describe('docs/configuration.md (generated from the JSON Schema)', () => {
  const doc = readFileSync(configurationDocFile, 'utf8');

  it('holds the reference a fresh generation gives (run `npm run schema -w @auth/config`)', () => {
    const start = doc.indexOf(REFERENCE_START);
    const end = doc.indexOf(REFERENCE_END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    expect(unpadTables(doc.slice(start, end + REFERENCE_END.length))).toBe(
      unpadTables(renderReferenceFromSchema()),
    );
  });

  it('has a row with a type, a default and an example for every key of the schema', () => {
    const rows = new Map(
      unpadTables(doc)
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .map((line) => {
          const cells = line.slice(2, -2).split(/ (?<!\\)\| /);
          return [cells[0]!.replaceAll('`', ''), cells] as const;
        }),
    );
    expect(paths.size).toBeGreaterThan(90);
    for (const path of paths) {
      const cells = rows.get(path);
      expect(cells, `a row for ${path}`).toBeDefined();
      const [, type, defaultValue, example] = cells!;
      expect(type, `${path}: type`).toMatch(/\S/);
      expect(defaultValue, `${path}: default`).toMatch(/\S/);
      expect(example, `${path}: example`).not.toBe('—');
    }
    for (const path of rows.keys()) expect(paths.has(path), `${path} is a key of the schema`).toBe(true);
  });

  it('takes each example from examples/ when a file sets the key', () => {
    const examples = readExamples();
    expect(examples[0]!.name).toBe('production.yaml');
    const issuer = referenceRows(schema, examples).find((row) => row.path === 'issuer')!;
    expect(issuer.example).toBe('`https://auth.example.com` (`examples/production.yaml`)');
  });
});

describe.each(docs.map((file) => [file.pathname.split('/').pop()!, file] as const))(
  'docs/%s names only keys the config has',
  (_name, file) => {
    it('every key path in backticks and every key of a YAML block exists (or is marked coming)', () => {
      expect(existsSync(file), `${file.pathname} exists`).toBe(true);
      const text = readFileSync(file, 'utf8');
      const spans = [...text.matchAll(/`([a-z_$][a-z0-9_]*(?:\[\])?(?:\.[a-z0-9_]+(?:\[\])?)*)(?::[^`]*)?`/g)]
        .map((match) => match[1]!)
        .filter((path) => topLevel.has(path.split(/[.[]/)[0]!) || COMING.includes(path.split('.')[0]!))
        .filter((path) => path.includes('.') || path.includes('[') || topLevel.has(path));
      const blocks = [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].flatMap((match) =>
        parseAllDocuments(match[1]!).flatMap((document) => keyPaths(document.toJS())),
      );
      expect(spans.length + blocks.length).toBeGreaterThan(5);
      const unknown = [...spans, ...blocks].filter((path) => !known(path));
      expect(unknown).toEqual([]);
    });
  },
);

describe('referenceRows', () => {
  const variants: SchemaNode = {
    type: 'object',
    properties: {
      store: {
        default: { type: 'memory' },
        oneOf: [
          { type: 'object', properties: { type: { type: 'string', const: 'memory' } }, required: ['type'] },
          {
            type: 'object',
            properties: {
              type: { type: 'string', const: 'redis' },
              url: { type: 'string', description: 'A <url> | pipe' },
              nodes: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer' } } } },
            },
            required: ['type', 'url'],
          },
        ],
      },
      scopes: { type: 'array', items: { type: 'string' }, default: ['openid'] },
    },
    required: ['scopes'],
  };

  it('merges the variants of a oneOf, naming the variants a key belongs to', () => {
    const rows = referenceRows(variants);
    expect(rows.map((row) => row.path)).toEqual([
      'store',
      'store.type',
      'store.url',
      'store.nodes',
      'store.nodes[].port',
      'scopes',
    ]);
    const byPath = new Map(rows.map((row) => [row.path, row]));
    expect(byPath.get('store.type')).toMatchObject({ type: '"memory" \\| "redis"', variants: [] });
    expect(byPath.get('store.url')).toMatchObject({
      default: 'required',
      variants: ['type: redis'],
      description: 'A &lt;url&gt; \\| pipe',
    });
    expect(byPath.get('store.nodes[].port')!.variants).toEqual([]);
    expect(byPath.get('scopes')!.default).toBe('required');
    expect(byPath.get('store')!.default).toBe('`{ type: memory }`');
  });

  it('writes short types: durations, ranges, enums, env names', () => {
    expect(
      typeOf({ anyOf: [{ type: 'string', pattern: '^([0-9]{1,12})([smhd]?)$' }, { type: 'integer' }] }),
    ).toBe('duration');
    expect(typeOf({ type: 'integer', minimum: 1, maximum: 65535 })).toBe('integer (1–65535)');
    expect(typeOf({ type: 'string', enum: ['ES256', 'RS256'] })).toBe('ES256 \\| RS256');
    expect(typeOf({ type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' })).toBe('env var name');
    expect(typeOf({ type: 'array', items: { type: 'string', format: 'uri' } })).toBe('URL[]');
  });

  it('replaceReference swaps only what is between the markers, and refuses a page without them', () => {
    const page = `# Title\n\n${REFERENCE_START}\nold\n${REFERENCE_END}\n\nAfter.\n`;
    expect(replaceReference(page, `${REFERENCE_START}\nnew\n${REFERENCE_END}`)).toBe(
      `# Title\n\n${REFERENCE_START}\nnew\n${REFERENCE_END}\n\nAfter.\n`,
    );
    expect(() => replaceReference('# no markers', 'x')).toThrow(/no generated reference markers/);
  });
});
