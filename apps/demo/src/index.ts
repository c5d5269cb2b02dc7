export { type DemoClientOptions, startDemoClient } from './demo-client.js';
export { startDemo } from './start-demo.js';
