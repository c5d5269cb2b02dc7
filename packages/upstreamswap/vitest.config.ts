import { project } from '../../vitest.shared.js';

const shared = project('upstreamswap');

// Vitest passes `ssr.resolve.conditions` to its workers as `node --conditions`; the shared list
// holds `import`, which makes express's own `require('is-promise')` load the ESM build and break
// every route. Vite adds import/require/default by itself, so they are left out here.
export default {
  ...shared,
  ssr: { resolve: { conditions: ['dev-source', 'node', 'development|production'] } },
};
