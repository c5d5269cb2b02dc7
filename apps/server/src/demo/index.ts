export { type DemoClientOptions, startDemoClient } from './demo-client.js';
export { type EchoBackend, type EchoedRequest, startEchoBackend } from './echo-backend.js';
export { startDemo } from './start-demo.js';
