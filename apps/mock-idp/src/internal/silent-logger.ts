import type { MockIdpLogger } from '../logger.js';

const noop = (): void => {};

/** The default logger: drops everything. */
export const silentLogger: MockIdpLogger = { debug: noop, info: noop, warn: noop, error: noop };
