// Writes schema/gateway-config.schema.json from the zod definition: `npm run schema -w @auth/config`.
import { writeFileSync } from 'node:fs';
import { renderJsonSchema } from '../src/internal/json-schema.js';

const target = new URL('../schema/gateway-config.schema.json', import.meta.url);
writeFileSync(target, renderJsonSchema());
console.log(`wrote ${target.pathname}`);
