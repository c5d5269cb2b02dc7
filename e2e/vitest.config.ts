import { project } from '../vitest.shared.js';

export default project('e2e', {
  testTimeout: 60_000,
  include: ['src/**/*.test.ts', 'reliability/**/*.test.ts'],
});
