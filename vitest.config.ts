import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.js';

export default defineConfig({
  test: {
    projects,
    // Real servers (redis-server, mock IdPs, gateways) start in tests; keep two cores from thrashing.
    maxWorkers: 2,
  },
});
