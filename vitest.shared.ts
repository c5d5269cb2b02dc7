import { defineProject } from 'vitest/config';

/**
 * Settings every project shares: tests read `src/` through the `dev-source`
 * export condition, so no test waits for a build.
 */
export function project(name: string, overrides: { testTimeout?: number; include?: string[] } = {}) {
  return defineProject({
    resolve: { conditions: ['dev-source', 'module', 'node', 'development|production'] },
    // Vitest hands these to its workers as `node --conditions`: listing `import` there would make
    // CommonJS `require` calls (express's `is-promise`) load ESM builds. Vite adds import/default itself.
    ssr: { resolve: { conditions: ['dev-source', 'node', 'development|production'] } },
    test: {
      name,
      environment: 'node',
      include: overrides.include ?? ['src/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 20_000,
      hookTimeout: 60_000,
    },
  });
}
