import * as z from 'zod';

/**
 * An object schema that rejects unknown keys (docs/architecture.md#configuration: a typo must not be
 * silently ignored). `zod-issues.ts` turns each rejection into one issue per
 * key, with a "did you mean" suggestion.
 */
export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.strictObject(shape);
}
