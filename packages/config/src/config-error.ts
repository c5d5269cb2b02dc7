/** One problem found in a configuration. */
export interface ConfigIssue {
  /** Where, with the keys as written: `upstreams[1].name`, `token_lifetimes.access_token`; `''` for the whole file. */
  path: string;
  /** What is wrong, in plain language. Never contains a secret value. */
  message: string;
  /** 1-based line in the source text, when the config came from text. */
  line?: number;
  /** 1-based column in the source text, when the config came from text. */
  column?: number;
}

/** `ERR_CONFIG_INVALID`: the config breaks a rule; `ERR_CONFIG_UNREADABLE`: the file cannot be read. */
export type ConfigErrorCode = 'ERR_CONFIG_INVALID' | 'ERR_CONFIG_UNREADABLE';

/**
 * Every problem of a configuration at once (docs/architecture.md#configuration). `issues` holds each one
 * with its path; `message` lists them all. No secret value is ever included.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly code: ConfigErrorCode;
  readonly issues: readonly ConfigIssue[];
  /** The config file, when loaded by {@link loadConfig}. */
  readonly file: string | undefined;

  constructor(
    code: ConfigErrorCode,
    issues: readonly ConfigIssue[],
    options: { file?: string | undefined; cause?: unknown } = {},
  ) {
    super(
      formatMessage(code, issues, options.file),
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.code = code;
    this.issues = issues;
    this.file = options.file;
  }
}

/** `upstreams[1].name (line 12, column 5): must be …`. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? '' : ` (line ${issue.line}, column ${issue.column ?? 1})`;
  const path = issue.path === '' ? '(config)' : issue.path;
  return `${path}${where}: ${issue.message}`;
}

function formatMessage(
  code: ConfigErrorCode,
  issues: readonly ConfigIssue[],
  file: string | undefined,
): string {
  const subject = file === undefined ? 'configuration' : `configuration ${file}`;
  const head =
    code === 'ERR_CONFIG_UNREADABLE'
      ? `${subject} cannot be read`
      : `${subject} is invalid (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'})`;
  return [head + ':', ...issues.map((issue) => `  - ${formatIssue(issue)}`)].join('\n');
}
