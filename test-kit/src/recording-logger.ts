/** One call of a {@link RecordingLogger}. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

/**
 * A pino-shaped logger (`level(obj, msg?)`, the interface of every package here) that
 * keeps every call, to assert what was logged and that no secret was.
 */
export interface RecordingLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
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
