import type { Logger } from '@auth/protocol';

/** One call of a {@link RecordingLogger}. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

/**
 * The packages' `Logger` (`@auth/protocol`) that keeps every call, to assert what was
 * logged and that no secret was.
 */
export interface RecordingLogger extends Logger {
  /** Every call, in order. */
  readonly entries: LogEntry[];
  /** Every call as one JSON line `{"level":…,…obj,"msg":…}`, in order. */
  readonly lines: string[];
  /** The lines that contain one of `values` (those of 8 characters or more); empty when none leaks. */
  leaks(values: Iterable<string>): string[];
}

export function recordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const lines: string[] = [];
  const record =
    (level: LogEntry['level']) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, obj, msg });
      lines.push(JSON.stringify({ level, ...obj, msg }));
    };
  return {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    entries,
    lines,
    leaks(values) {
      const secrets = [...values].filter((value) => value.length >= 8);
      return lines.filter((line) => secrets.some((secret) => line.includes(secret)));
    },
  };
}
