import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  type ExampleDocument,
  renderConfigurationReference,
  type SchemaNode,
} from '../src/internal/configuration-reference.js';
import { renderJsonSchema } from '../src/internal/json-schema.js';

/** The repository's docs/configuration.md and examples/ folder, seen from this folder. */
export const configurationDocFile = new URL('../../../docs/configuration.md', import.meta.url);
const examplesDir = new URL('../../../examples/', import.meta.url);

/** The example files, the most complete first (production, then the others by name). */
export function readExamples(): ExampleDocument[] {
  const names = readdirSync(examplesDir)
    .filter((name) => name.endsWith('.yaml'))
    .sort((a, b) => (a === 'production.yaml' ? -1 : b === 'production.yaml' ? 1 : a.localeCompare(b)));
  return names.map((name) => ({ name, content: parse(readFileSync(new URL(name, examplesDir), 'utf8')) }));
}

/** The generated reference of docs/configuration.md, from the JSON Schema and examples/. */
export function renderReferenceFromSchema(): string {
  return renderConfigurationReference(JSON.parse(renderJsonSchema()) as SchemaNode, readExamples());
}
