export { type DemoClientOptions, startDemoClient } from './demo-client.js';
export { DEFAULT_PORTS, type DemoPorts, parseDemoPorts } from './demo-ports.js';
export type { DemoRoute, DemoUpstream } from './sign-in-report.js';
export { type DemoOptions, startDemo } from './start-demo.js';
