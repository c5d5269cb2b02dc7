import { project } from '../../vitest.shared.js';

const config = project('chain');
// Vitest forwards `ssr.resolve.conditions` to its workers as `node --conditions`; the shared
// `import` condition there makes Node's `require('is-promise')` (inside express's router) load
// the ESM build, so every express layer throws "isPromise is not a function". Vite applies
// `import`/`default` by itself, so they are dropped here.
if (config.ssr?.resolve?.conditions !== undefined) {
  config.ssr.resolve.conditions = config.ssr.resolve.conditions.filter(
    (c) => c !== 'import' && c !== 'default',
  );
}

export default config;
