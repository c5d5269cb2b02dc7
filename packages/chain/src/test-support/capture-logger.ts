import type { Logger } from '@auth/protocol';

/** A logger that keeps every line as JSON text, for "no secret in any log line" assertions. */
export interface CapturedLogger extends Logger {
  readonly lines: string[];
  /** Every captured line that contains one of `values` (empty when none leaks). */
  leaks(values: Iterable<string>): string[];
}

export function captureLogger(): CapturedLogger {
  const lines: string[] = [];
  const write = (level: string) => (obj: object, msg?: string) => {
    lines.push(JSON.stringify({ level, ...obj, msg }));
  };
  return {
    lines,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    leaks(values) {
      const secrets = [...values].filter((value) => value.length >= 8);
      return lines.filter((line) => secrets.some((secret) => line.includes(secret)));
    },
  };
}
