import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigIssue } from './config-error.js';
import type { GatewayConfig } from './gateway-config.js';
import { buildConfig } from './internal/build-config.js';
import { withoutFollowOns } from './internal/follow-on-issues.js';
import { IssueCollector } from './internal/issue-collector.js';
import { formatPath } from './internal/issue-path.js';
import { readSource, type SourceDocument, sniffFormat } from './internal/source-document.js';

/** Options of {@link parseConfig} and {@link loadConfig}. */
export interface ParseConfigOptions {
  /** Environment for `*_env` keys (pass `process.env` from the app). Default: empty. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Reads a file named by `*_file` or `signing_keys[].file` (absolute path in). Default: `fs.readFileSync` as UTF-8. */
  readFile?: (path: string) => string;
  /** Folder that relative file paths are resolved against. Default: the current directory. */
  baseDir?: string;
  /** Format of a text input. Default: JSON when the text starts with `{`, else YAML. */
  format?: 'yaml' | 'json';
  /** Consumers supporting fewer upstreams (e.g. 1) get a load-time error when more are configured. */
  maxUpstreams?: number;
  /** Shown in error messages, e.g. the config file's path. */
  sourceName?: string;
}

/**
 * Validates a gateway configuration (docs/architecture.md#configuration) given as YAML/JSON text or as a
 * parsed object, and returns it normalized: durations in seconds, defaults
 * applied, secrets resolved from `*_env` / `*_file`, a lone unnamed upstream
 * named `default`, each route's `resource` = issuer + path (RFC 8707).
 *
 * @throws {ConfigError} `ERR_CONFIG_INVALID` listing every problem with its path.
 */
export function parseConfig(input: string | object, options: ParseConfigOptions = {}): GatewayConfig {
  const file = options.sourceName;
  let source: SourceDocument | undefined;
  let value: unknown = input;
  if (typeof input === 'string') {
    source = readSource(input, options.format ?? sniffFormat(input), file);
    value = source.value;
  }
  const issues = new IssueCollector();
  const config = buildConfig(
    value,
    {
      issues,
      env: options.env ?? {},
      readFile: options.readFile ?? ((path) => readFileSync(path, 'utf8')),
      baseDir: options.baseDir ?? process.cwd(),
    },
    options.maxUpstreams,
  );
  if (config === undefined || issues.count > 0) {
    const located: ConfigIssue[] = withoutFollowOns(issues.issues).map(({ path, message }) => ({
      path: formatPath(path),
      message,
      ...source?.locate(path),
    }));
    located.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
    throw new ConfigError('ERR_CONFIG_INVALID', located, { file });
  }
  return config;
}
