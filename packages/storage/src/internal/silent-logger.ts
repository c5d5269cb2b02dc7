import type { StorageLogger } from '../logger.js';

const noop = (): void => {};

/** A logger that drops everything. */
export const silentLogger: StorageLogger = { debug: noop, info: noop, warn: noop, error: noop };
