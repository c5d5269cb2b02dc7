import { project } from '../../vitest.shared.js';

const shared = project('upstream');

// The shared `ssr.resolve.conditions` holds `import`, which vitest passes to its workers as
// `node --conditions` and which makes express's `require('is-promise')` (in the mock IdP) load
// the ESM build and fail every route. Vite adds import/require/default by itself.
export default {
  ...shared,
  ssr: { resolve: { conditions: ['dev-source', 'node', 'development|production'] } },
};
