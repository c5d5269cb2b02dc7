import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import type { GatewayConfig } from './gateway-config.js';
import { errorCodeSuffix } from './internal/error-code.js';
import { sniffFormat } from './internal/source-document.js';
import { type ParseConfigOptions, parseConfig } from './parse-config.js';

/**
 * Reads a YAML or JSON config file (by extension, else by content) and
 * validates it with {@link parseConfig}. Relative `*_file` and signing key
 * paths are resolved against the file's folder unless `baseDir` is given.
 *
 * @throws {ConfigError} `ERR_CONFIG_UNREADABLE` when the file cannot be read, `ERR_CONFIG_INVALID` otherwise.
 */
export function loadConfig(
  path: string,
  options: Omit<ParseConfigOptions, 'sourceName'> = {},
): GatewayConfig {
  const absolutePath = resolve(path);
  const readFile = options.readFile ?? ((file: string) => readFileSync(file, 'utf8'));
  let text: string;
  try {
    text = readFile(absolutePath);
  } catch (cause) {
    const message = `file cannot be read${errorCodeSuffix(cause)}`;
    throw new ConfigError('ERR_CONFIG_UNREADABLE', [{ path: '', message }], {
      file: path,
      cause,
    });
  }
  const extension = extname(absolutePath).toLowerCase();
  const format =
    options.format ??
    (extension === '.json'
      ? 'json'
      : extension === '.yaml' || extension === '.yml'
        ? 'yaml'
        : sniffFormat(text));
  return parseConfig(text, { baseDir: dirname(absolutePath), ...options, format, sourceName: path });
}
