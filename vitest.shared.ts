import { defineProject } from 'vitest/config';

/**
 * Settings every project shares: tests read `src/` through the `dev-source`
 * export condition, so no test waits for a build.
 */
export function project(name: string, overrides: { testTimeout?: number; include?: string[] } = {}) {
  return defineProject({
    resolve: { conditions: ['dev-source', 'module', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: ['dev-source', 'node', 'import', 'default'] } },
    test: {
      name,
      environment: 'node',
      include: overrides.include ?? ['src/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 20_000,
      hookTimeout: 60_000,
    },
  });
}
