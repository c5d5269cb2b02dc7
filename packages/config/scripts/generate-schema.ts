// Writes schema/gateway-config.schema.json from the zod definition, and the reference tables of
// docs/configuration.md from that schema: `npm run schema -w @auth/config`.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { replaceReference } from '../src/internal/configuration-reference.js';
import { renderJsonSchema } from '../src/internal/json-schema.js';
import { configurationDocFile, renderReferenceFromSchema } from './configuration-doc.js';

const target = new URL('../schema/gateway-config.schema.json', import.meta.url);
writeFileSync(target, renderJsonSchema());
console.log(`wrote ${target.pathname}`);

const doc = readFileSync(configurationDocFile, 'utf8');
writeFileSync(configurationDocFile, replaceReference(doc, renderReferenceFromSchema()));
// Aligned the way `npm run lint` wants it (the drift test ignores the padding).
execFileSync('npx', ['biome', 'format', '--write', fileURLToPath(configurationDocFile)], { stdio: 'ignore' });
console.log(`wrote the reference of ${configurationDocFile.pathname}`);
