import { ConfigError, formatIssue, loadConfig } from '@auth/config';
import { configWarnings } from '../gateway/config-warnings.js';

/** Output of `auth-server check`: what to print and the exit code. */
export interface CheckResult {
  exitCode: 0 | 1;
  stdout: string;
  stderr: string;
}

/**
 * Validates a config file (docs/architecture.md#the-reference-server): every problem is printed on its own line with
 * its path, exit code 1 when there is any. Warnings about a valid config go to stderr, exit code 0.
 */
export async function checkCommand(
  configPath: string,
  env: Record<string, string | undefined>,
  options: { maxUpstreams?: number } = {},
): Promise<CheckResult> {
  try {
    const config = await loadConfig(configPath, { env, ...options });
    const summary =
      `${configPath}: ok (issuer ${config.issuer}; upstreams ${config.upstreams.map((u) => u.name).join(' → ')}; ` +
      `${config.routes.length} route${config.routes.length === 1 ? '' : 's'}; storage ${config.storage.type})\n`;
    const warnings = configWarnings(config).map((line) => `${configPath}: ${line}\n`);
    return { exitCode: 0, stdout: summary, stderr: warnings.join('') };
  } catch (error) {
    if (error instanceof ConfigError) {
      // `upstreams[0].nmae (line 3, column 5): unknown key; did you mean "name"?`
      const lines = error.issues.map((issue) => `  ${formatIssue(issue)}`);
      return {
        exitCode: 1,
        stdout: '',
        stderr: `${configPath}: ${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}\n${lines.join('\n')}\n`,
      };
    }
    return { exitCode: 1, stdout: '', stderr: `${configPath}: ${(error as Error).message}\n` };
  }
}
