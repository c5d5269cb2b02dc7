export { ConfigError, type ConfigErrorCode, type ConfigIssue, formatIssue } from './config-error.js';
export type * from './gateway-config.js';
export {
  formatListenAddress,
  type ListenAddress,
  listenAddressProblem,
  parseListenAddress,
} from './listen-address.js';
export { loadConfig } from './load-config.js';
export { type ParseConfigOptions, parseConfig } from './parse-config.js';
export { Secret } from './secret.js';
