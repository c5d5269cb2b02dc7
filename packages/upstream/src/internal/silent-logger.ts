import type { UpstreamLogger } from '../upstream-logger.js';

const noop = (): void => {};

/** The default logger: drops everything. */
export const silentLogger: UpstreamLogger = { debug: noop, info: noop, warn: noop, error: noop };
