import * as z from 'zod';
import { gatewayConfigSchema } from './schema/gateway-config-schema.js';

/** The JSON Schema (draft 2020-12) of the config file, generated from the zod definition (input side). */
export function renderJsonSchema(): string {
  const schema = z.toJSONSchema(gatewayConfigSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
