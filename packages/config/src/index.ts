export type * from './gateway-config.js';
export { Secret } from './secret.js';
